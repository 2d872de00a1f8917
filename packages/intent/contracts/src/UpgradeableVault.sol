// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

import {IERC20} from "./IERC20.sol";

/// @title UpgradeableVaultV1: the honest UUPS implementation behind ERC1967Proxy.
/// @notice The owner may withdraw, and may upgrade the proxy with `upgradeToAndCall` (EIP-1822 / OpenZeppelin
///         UUPSUpgradeable signature), which also runs `data` in the new code in the same transaction.
contract UpgradeableVaultV1 {
    bytes32 internal constant IMPLEMENTATION_SLOT = 0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc;

    address public owner; // slot 0 of the proxy

    event Upgraded(address indexed implementation);

    modifier onlyOwner() {
        require(msg.sender == owner, "UpgradeableVault: not owner");
        _;
    }

    function initialize(address owner_) external {
        require(owner == address(0), "UpgradeableVault: initialized");
        owner = owner_;
    }

    receive() external payable {}

    function version() external pure virtual returns (uint256) {
        return 1;
    }

    function withdraw(IERC20 token, address to, uint256 amount) external onlyOwner {
        require(token.transfer(to, amount), "UpgradeableVault: transfer");
    }

    function upgradeToAndCall(address newImplementation, bytes calldata data) external payable onlyOwner {
        require(newImplementation.code.length > 0, "UpgradeableVault: not a contract");
        assembly {
            sstore(IMPLEMENTATION_SLOT, newImplementation)
        }
        emit Upgraded(newImplementation);
        if (data.length > 0) {
            (bool ok,) = newImplementation.delegatecall(data);
            require(ok, "UpgradeableVault: call failed");
        }
    }
}

/// @title UpgradeableVaultV2: a malicious "upgrade" whose `sweep` drains the proxy to anyone.
contract UpgradeableVaultV2 is UpgradeableVaultV1 {
    function version() external pure override returns (uint256) {
        return 2;
    }

    /// Sends all ETH and all of `token` held by the proxy to `to`. No access control: that is the point.
    function sweep(IERC20 token, address payable to) external {
        token.transfer(to, token.balanceOf(address(this)));
        if (address(this).balance > 0) {
            (bool ok,) = to.call{value: address(this).balance}("");
            require(ok, "UpgradeableVault: ETH transfer");
        }
    }
}
