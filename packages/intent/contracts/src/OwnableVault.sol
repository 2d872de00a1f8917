// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

import {IERC20} from "./IERC20.sol";

/// @title OwnableVault: a treasury contract with OpenZeppelin-style Ownable, for Cairn's intent scenarios.
/// @notice Whoever `owner` is can withdraw everything, so `transferOwnership` is as dangerous as a transfer
///         of the whole balance.
contract OwnableVault {
    address public owner; // slot 0

    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    modifier onlyOwner() {
        require(msg.sender == owner, "Ownable: caller is not the owner");
        _;
    }

    constructor(address owner_) {
        owner = owner_;
        emit OwnershipTransferred(address(0), owner_);
    }

    receive() external payable {}

    function transferOwnership(address newOwner) external onlyOwner {
        require(newOwner != address(0), "Ownable: new owner is the zero address");
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    function withdraw(IERC20 token, address to, uint256 amount) external onlyOwner {
        require(token.transfer(to, amount), "OwnableVault: transfer");
    }
}
