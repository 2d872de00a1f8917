// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title MultiSend: Safe's packed batch format, for Cairn's intent scenarios.
/// @notice `transactions` is a concatenation of: operation (uint8, 0 = call, 1 = delegatecall), to (20 bytes),
///         value (uint256), data length (uint256), data. Like Safe's MultiSend it only runs via DELEGATECALL,
///         so every inner call is made by the wallet itself.
contract MultiSend {
    address private immutable self;

    constructor() {
        self = address(this);
    }

    function multiSend(bytes calldata transactions) external payable {
        require(address(this) != self, "MultiSend should only be called via delegatecall");
        uint256 i = 0;
        while (i < transactions.length) {
            uint8 operation = uint8(transactions[i]);
            address to = address(bytes20(transactions[i + 1:i + 21]));
            uint256 value = uint256(bytes32(transactions[i + 21:i + 53]));
            uint256 length = uint256(bytes32(transactions[i + 53:i + 85]));
            bytes calldata data = transactions[i + 85:i + 85 + length];
            bool success;
            if (operation == 0) {
                (success,) = to.call{value: value}(data);
            } else if (operation == 1) {
                (success,) = to.delegatecall(data);
            }
            require(success, "MultiSend: transaction failed");
            i += 85 + length;
        }
    }
}
