// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

import {IERC20} from "./IERC20.sol";

/// @title SimpleAMM: a constant-product (x * y = k) pair with a 0.3 % fee, for Cairn's intent scenarios.
/// @notice Liquidity is not tokenised: whoever adds it simply gives it to the pool.
contract SimpleAMM {
    IERC20 public immutable token0;
    IERC20 public immutable token1;
    uint256 public reserve0;
    uint256 public reserve1;

    event Swap(address indexed sender, address indexed tokenIn, uint256 amountIn, uint256 amountOut, address indexed to);

    constructor(IERC20 token0_, IERC20 token1_) {
        token0 = token0_;
        token1 = token1_;
    }

    function addLiquidity(uint256 amount0, uint256 amount1) external {
        require(token0.transferFrom(msg.sender, address(this), amount0), "SimpleAMM: transfer0");
        require(token1.transferFrom(msg.sender, address(this), amount1), "SimpleAMM: transfer1");
        reserve0 += amount0;
        reserve1 += amount1;
    }

    function getAmountOut(address tokenIn, uint256 amountIn) public view returns (uint256) {
        (uint256 reserveIn, uint256 reserveOut) =
            tokenIn == address(token0) ? (reserve0, reserve1) : (reserve1, reserve0);
        uint256 amountInWithFee = amountIn * 997;
        return (amountInWithFee * reserveOut) / (reserveIn * 1000 + amountInWithFee);
    }

    /// Swaps `amountIn` of `tokenIn` (pulled from the caller, who must have approved the pool) for the other token.
    function swap(address tokenIn, uint256 amountIn, uint256 minAmountOut, address to) external returns (uint256 amountOut) {
        require(tokenIn == address(token0) || tokenIn == address(token1), "SimpleAMM: token");
        amountOut = getAmountOut(tokenIn, amountIn);
        require(amountOut >= minAmountOut, "SimpleAMM: slippage");
        bool zeroForOne = tokenIn == address(token0);
        IERC20 tokenOut = zeroForOne ? token1 : token0;
        require(IERC20(tokenIn).transferFrom(msg.sender, address(this), amountIn), "SimpleAMM: transferIn");
        require(tokenOut.transfer(to, amountOut), "SimpleAMM: transferOut");
        if (zeroForOne) {
            reserve0 += amountIn;
            reserve1 -= amountOut;
        } else {
            reserve1 += amountIn;
            reserve0 -= amountOut;
        }
        emit Swap(msg.sender, tokenIn, amountIn, amountOut, to);
    }
}
