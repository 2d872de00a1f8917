// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title SafeLikeWallet: a Safe-shaped multisig singleton (used behind SafeLikeProxy), for Cairn's intent scenarios.
/// @notice Same storage layout and the same function signatures as Safe v1.3/v1.4 (slot 0 singleton, slot 1
///         modules, slot 2 owners, slot 3 ownerCount, slot 4 threshold, slot 5 nonce; guard and fallback
///         handler in their hashed slots), so real-world Safe decoders and state-slot meanings apply.
///         SIMPLIFIED signature check: `execTransaction` may only be called by an owner, and the
///         `signatures`, gas and refund parameters are ignored. Test fixture only.
contract SafeLikeWallet {
    string public constant VERSION = "1.4.1-cairn-demo";
    address internal constant SENTINEL = address(0x1);
    // keccak256("guard_manager.guard.address")
    bytes32 internal constant GUARD_STORAGE_SLOT = 0x4a204f620c8c5ccdca3fd54d003badd85ba500436a431f0cbda4f558c93c34c8;
    // keccak256("fallback_manager.handler.address")
    bytes32 internal constant FALLBACK_HANDLER_STORAGE_SLOT =
        0x6c9a6c4a39284e37ed1cf53d337577d14212a4870fb976a4366c693b939918d5;

    address internal singleton; // slot 0
    mapping(address => address) internal modules; // slot 1
    mapping(address => address) internal owners; // slot 2
    uint256 internal ownerCount; // slot 3
    uint256 internal threshold; // slot 4
    uint256 public nonce; // slot 5

    event SafeSetup(address indexed initiator, address[] owners, uint256 threshold);
    event ExecutionSuccess(bytes32 indexed txHash, uint256 payment);
    event ExecutionFromModuleSuccess(address indexed module);
    event AddedOwner(address indexed owner);
    event RemovedOwner(address indexed owner);
    event ChangedThreshold(uint256 threshold);
    event EnabledModule(address indexed module);
    event DisabledModule(address indexed module);
    event ChangedGuard(address indexed guard);
    event ChangedFallbackHandler(address indexed handler);
    event SafeReceived(address indexed sender, uint256 value);

    modifier authorized() {
        require(msg.sender == address(this), "GS031");
        _;
    }

    constructor() {
        threshold = 1; // the singleton itself can never be set up
    }

    receive() external payable {
        emit SafeReceived(msg.sender, msg.value);
    }

    function setup(address[] calldata owners_, uint256 threshold_) external {
        require(threshold == 0, "GS200");
        require(threshold_ > 0 && threshold_ <= owners_.length, "GS201");
        address current = SENTINEL;
        for (uint256 i = 0; i < owners_.length; i++) {
            address owner = owners_[i];
            require(owner != address(0) && owner != SENTINEL && owner != address(this) && owner != current, "GS203");
            require(owners[owner] == address(0), "GS204");
            owners[current] = owner;
            current = owner;
        }
        owners[current] = SENTINEL;
        ownerCount = owners_.length;
        threshold = threshold_;
        modules[SENTINEL] = SENTINEL;
        emit SafeSetup(msg.sender, owners_, threshold_);
    }

    /// Safe's execTransaction signature; operation 0 = CALL, 1 = DELEGATECALL.
    function execTransaction(
        address to,
        uint256 value,
        bytes calldata data,
        uint8 operation,
        uint256 safeTxGas,
        uint256 baseGas,
        uint256 gasPrice,
        address gasToken,
        address payable refundReceiver,
        bytes calldata signatures
    ) external payable returns (bool success) {
        // Simplified: the calling owner is the only signature (threshold-1 wallets in the scenarios).
        require(msg.sender != SENTINEL && owners[msg.sender] != address(0), "GS026");
        bytes32 txHash = keccak256(
            abi.encode(
                to, value, keccak256(data), operation, safeTxGas, baseGas, gasPrice, gasToken, refundReceiver, nonce
            )
        );
        signatures; // ignored in this fixture
        nonce++;
        success = _execute(to, value, data, operation);
        require(success, "GS013");
        emit ExecutionSuccess(txHash, 0);
    }

    function execTransactionFromModule(address to, uint256 value, bytes calldata data, uint8 operation)
        external
        returns (bool success)
    {
        require(msg.sender != SENTINEL && modules[msg.sender] != address(0), "GS104");
        success = _execute(to, value, data, operation);
        if (success) emit ExecutionFromModuleSuccess(msg.sender);
    }

    function _execute(address to, uint256 value, bytes memory data, uint8 operation) internal returns (bool success) {
        if (operation == 1) {
            (success,) = to.delegatecall(data);
        } else {
            (success,) = to.call{value: value}(data);
        }
    }

    // --- OwnerManager ---

    function addOwnerWithThreshold(address owner, uint256 threshold_) external authorized {
        require(owner != address(0) && owner != SENTINEL && owner != address(this), "GS203");
        require(owners[owner] == address(0), "GS204");
        owners[owner] = owners[SENTINEL];
        owners[SENTINEL] = owner;
        ownerCount++;
        emit AddedOwner(owner);
        if (threshold != threshold_) changeThreshold(threshold_);
    }

    function removeOwner(address prevOwner, address owner, uint256 threshold_) external authorized {
        require(ownerCount - 1 >= threshold_, "GS201");
        require(owner != address(0) && owner != SENTINEL, "GS203");
        require(owners[prevOwner] == owner, "GS205");
        owners[prevOwner] = owners[owner];
        owners[owner] = address(0);
        ownerCount--;
        emit RemovedOwner(owner);
        if (threshold != threshold_) changeThreshold(threshold_);
    }

    function swapOwner(address prevOwner, address oldOwner, address newOwner) external authorized {
        require(newOwner != address(0) && newOwner != SENTINEL && newOwner != address(this), "GS203");
        require(owners[newOwner] == address(0), "GS204");
        require(oldOwner != address(0) && oldOwner != SENTINEL, "GS203");
        require(owners[prevOwner] == oldOwner, "GS205");
        owners[newOwner] = owners[oldOwner];
        owners[prevOwner] = newOwner;
        owners[oldOwner] = address(0);
        emit RemovedOwner(oldOwner);
        emit AddedOwner(newOwner);
    }

    function changeThreshold(uint256 threshold_) public authorized {
        require(threshold_ > 0 && threshold_ <= ownerCount, "GS201");
        threshold = threshold_;
        emit ChangedThreshold(threshold_);
    }

    function getThreshold() external view returns (uint256) {
        return threshold;
    }

    function isOwner(address owner) external view returns (bool) {
        return owner != SENTINEL && owners[owner] != address(0);
    }

    function getOwners() external view returns (address[] memory array) {
        array = new address[](ownerCount);
        address current = owners[SENTINEL];
        for (uint256 i = 0; current != SENTINEL; i++) {
            array[i] = current;
            current = owners[current];
        }
    }

    // --- ModuleManager, GuardManager, FallbackManager ---

    function enableModule(address module) external authorized {
        require(module != address(0) && module != SENTINEL, "GS101");
        require(modules[module] == address(0), "GS102");
        modules[module] = modules[SENTINEL];
        modules[SENTINEL] = module;
        emit EnabledModule(module);
    }

    function disableModule(address prevModule, address module) external authorized {
        require(module != address(0) && module != SENTINEL, "GS101");
        require(modules[prevModule] == module, "GS103");
        modules[prevModule] = modules[module];
        modules[module] = address(0);
        emit DisabledModule(module);
    }

    function isModuleEnabled(address module) external view returns (bool) {
        return module != SENTINEL && modules[module] != address(0);
    }

    function setGuard(address guard) external authorized {
        bytes32 slot = GUARD_STORAGE_SLOT;
        assembly {
            sstore(slot, guard)
        }
        emit ChangedGuard(guard);
    }

    function setFallbackHandler(address handler) external authorized {
        bytes32 slot = FALLBACK_HANDLER_STORAGE_SLOT;
        assembly {
            sstore(slot, handler)
        }
        emit ChangedFallbackHandler(handler);
    }
}
