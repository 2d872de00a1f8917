// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title SafeLikeProxy: the shape of Safe's SafeProxy, for Cairn's intent scenarios.
/// @notice Storage slot 0 holds the singleton (the wallet logic); every call is delegated to it.
///         Whoever can write slot 0 owns the wallet: that is the attack the scenarios replay.
contract SafeLikeProxy {
    address internal singleton; // slot 0, as in Safe

    constructor(address singleton_) {
        require(singleton_ != address(0), "Invalid singleton address provided");
        singleton = singleton_;
    }

    fallback() external payable {
        address target = singleton;
        // masterCopy() answers from the proxy itself, as Safe's proxy does.
        if (msg.sig == 0xa619486e) {
            assembly {
                mstore(0, target)
                return(0, 0x20)
            }
        }
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), target, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }
}
