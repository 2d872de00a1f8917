// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title TokenSink: a contract that accepts ETH and tokens but has no code path that can move them out.
/// @notice Its bytecode contains no CALL, CALLCODE, DELEGATECALL, CREATE or SELFDESTRUCT, so whatever is
///         sent here is lost: the "transfer to a contract that cannot move tokens out" scenario.
contract TokenSink {
    uint256 public deposits;

    receive() external payable {
        deposits += 1;
    }
}
