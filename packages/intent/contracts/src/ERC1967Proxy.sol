// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title ERC1967Proxy: a minimal EIP-1967 proxy (the UUPS shape: the upgrade logic lives in the implementation).
contract ERC1967Proxy {
    // EIP-1967: bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1)
    bytes32 internal constant IMPLEMENTATION_SLOT = 0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc;

    event Upgraded(address indexed implementation);

    constructor(address implementation, bytes memory data) payable {
        assembly {
            sstore(IMPLEMENTATION_SLOT, implementation)
        }
        emit Upgraded(implementation);
        if (data.length > 0) {
            (bool ok,) = implementation.delegatecall(data);
            require(ok, "ERC1967Proxy: initialization failed");
        }
    }

    fallback() external payable {
        assembly {
            let target := sload(IMPLEMENTATION_SLOT)
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), target, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }
}
