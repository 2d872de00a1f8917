import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeFunctionData, parseAbi } from 'viem';
import {
  decodeCall,
  decodeMultiSend,
  encodeMultiSend,
  decodeRevertReason,
  flattenDecoded,
} from '../../src/index.ts';
import { flattenCallTrace, readPrestateDiff } from '../../src/engine/trace.ts';

const erc20 = parseAbi([
  'function transfer(address to, uint256 amount)',
  'function approve(address spender, uint256 amount)',
]);
const safe = parseAbi([
  'function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures)',
  'function addOwnerWithThreshold(address owner, uint256 _threshold)',
]);
const multisend = parseAbi(['function multiSend(bytes transactions)']);
const mc3 = parseAbi([
  'struct Call3 { address target; bool allowFailure; bytes callData; }',
  'function aggregate3(Call3[] calls)',
]);
const TOKEN = '0x00000000000000000000000000000000000000aa';
const SAFE = '0x00000000000000000000000000000000000000bb';
const MS = '0x00000000000000000000000000000000000000cc';
const ALICE = '0x70997970c51812dc3a10c5e1f61d89e2f6ab2c80';
const ZERO = '0x0000000000000000000000000000000000000000';

describe('decodeCall', () => {
  it('decodes an ERC-20 transfer with the standard ABI', () => {
    const data = encodeFunctionData({ abi: erc20, functionName: 'transfer', args: [ALICE, 1500000n] });
    const d = decodeCall({ chainId: 1, to: TOKEN, data });
    assert.equal(d.signature, 'transfer(address,uint256)');
    assert.equal(d.source, 'abi');
    assert.equal(d.abi, 'erc20');
    assert.deepEqual(d.args, [
      { name: 'to', type: 'address', value: ALICE },
      { name: 'amount', type: 'uint256', value: '1500000' },
    ]);
  });

  it('decodes Safe execTransaction → multiSend (delegatecall) → inner calls recursively', () => {
    const approve = encodeFunctionData({
      abi: erc20,
      functionName: 'approve',
      args: [ALICE, 2n ** 256n - 1n],
    });
    const addOwner = encodeFunctionData({
      abi: safe,
      functionName: 'addOwnerWithThreshold',
      args: [ALICE, 2n],
    });
    const packed = encodeMultiSend([
      { operation: 'call', to: TOKEN, value: 0n, data: approve },
      { operation: 'call', to: SAFE, value: 0n, data: addOwner },
    ]);
    const ms = encodeFunctionData({ abi: multisend, functionName: 'multiSend', args: [packed] });
    const data = encodeFunctionData({
      abi: safe,
      functionName: 'execTransaction',
      args: [MS, 0n, ms, 1, 0n, 0n, 0n, ZERO, ZERO, '0x'],
    });
    const d = decodeCall({ chainId: 1, to: SAFE, data });
    assert.equal(d.functionName, 'execTransaction');
    const [inner] = d.inner ?? [];
    assert.equal(inner?.operation, 'delegatecall');
    assert.equal(inner?.functionName, 'multiSend');
    assert.deepEqual(
      inner?.inner?.map((c) => [c.to, c.functionName]),
      [
        [TOKEN, 'approve'],
        [SAFE, 'addOwnerWithThreshold'],
      ],
    );
    assert.equal(flattenDecoded(d).length, 4);
  });

  it('decodes Multicall3 aggregate3 entries', () => {
    const t = encodeFunctionData({ abi: erc20, functionName: 'transfer', args: [ALICE, 5n] });
    const data = encodeFunctionData({
      abi: mc3,
      functionName: 'aggregate3',
      args: [[{ target: TOKEN, allowFailure: false, callData: t }]],
    });
    const d = decodeCall({ chainId: 1, to: MS, data });
    assert.equal(d.inner?.[0]?.to, TOKEN);
    assert.equal(d.inner?.[0]?.functionName, 'transfer');
  });

  it('falls back to the 4-byte database, and reports unknown selectors as such', () => {
    const mint = encodeFunctionData({
      abi: parseAbi(['function mint(address,uint256)']),
      functionName: 'mint',
      args: [ALICE, 1n],
    });
    const d = decodeCall({ chainId: 1, to: TOKEN, data: mint });
    assert.equal(d.source, 'selector-db');
    assert.equal(d.signature, 'mint(address,uint256)');
    const unknown = decodeCall({ chainId: 1, to: TOKEN, data: '0xdeadbeef0000' });
    assert.equal(unknown.source, 'none');
    assert.equal(unknown.selector, '0xdeadbeef');
    const plain = decodeCall({ chainId: 1, to: ALICE, data: '0x', value: 5n });
    assert.equal(plain.selector, undefined);
    assert.equal(plain.value, '5');
  });

  it('rejects malformed MultiSend data', () => {
    assert.throws(() => decodeMultiSend('0x02'), { code: 'INVALID_INPUT' });
    assert.throws(() => decodeMultiSend(`0x00${'11'.repeat(20)}`), { code: 'INVALID_INPUT' });
  });

  it('decodes revert reasons', () => {
    const err = encodeFunctionData({
      abi: parseAbi(['function Error(string)']),
      functionName: 'Error',
      args: ['nope'],
    });
    assert.equal(decodeRevertReason(err), 'nope');
    assert.match(decodeRevertReason(`0x4e487b71${'0'.repeat(62)}11`) ?? '', /overflow/);
    assert.equal(decodeRevertReason('0x'), undefined);
  });
});

describe('trace reading', () => {
  it('flattens frames in order and drops logs of reverted frames', () => {
    const flat = flattenCallTrace({
      type: 'CALL',
      from: '0xAA00000000000000000000000000000000000001',
      to: '0xbb00000000000000000000000000000000000002',
      value: '0x0',
      input: '0x',
      gasUsed: '0x10',
      logs: [{ address: '0x01', topics: ['0x01'], data: '0x', position: '0x1' }],
      calls: [
        {
          type: 'DELEGATECALL',
          from: '0xbb00000000000000000000000000000000000002',
          to: '0xcc',
          input: '0x12345678',
          logs: [{ address: '0x02', topics: [], data: '0x' }],
        },
        {
          type: 'CALL',
          from: '0xbb',
          to: '0xdd',
          value: '0x5',
          error: 'execution reverted',
          logs: [{ address: '0x03', topics: [], data: '0x' }],
        },
      ],
    });
    assert.deepEqual(
      flat.frames.map((f) => [f.path, f.depth, f.type]),
      [
        ['0', 0, 'CALL'],
        ['0.0', 1, 'DELEGATECALL'],
        ['0.1', 1, 'CALL'],
      ],
    );
    assert.equal(flat.frames[0]?.from, '0xaa00000000000000000000000000000000000001');
    // child 0's log, then the parent's log emitted after one sub-call; the reverted child's log is gone
    assert.deepEqual(
      flat.logs.map((l) => l.address),
      ['0x02', '0x01'],
    );
  });

  it('reads storage diffs, with zeroed slots omitted from post', () => {
    const diff = readPrestateDiff({
      pre: { '0xAA': { storage: { '0x0': '0x5', '0x1': '0x7' } } },
      post: { '0xaa': { storage: { '0x0': '0x6' } } },
    });
    assert.deepEqual(
      diff.storageChanges.map((c) => [c.slot.slice(-1), BigInt(c.before), BigInt(c.after)]),
      [
        ['0', 5n, 6n],
        ['1', 7n, 0n],
      ],
    );
  });
});
