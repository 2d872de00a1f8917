// Typed-data payloads as wallets receive them (eth_signTypedData_v4 JSON), for tests and scenarios.
import type { TypedData, TypedDataRequest } from '../../src/types.ts';

export const PERMIT2 = '0x000000000022D473030F116dDEE9F6B43aC78BA3';
export const SEAPORT = '0x0000000000000068F116a894984e2DB1123eB395';
export const MAX_UINT160 = (2n ** 160n - 1n).toString();
export const MAX_UINT256 = (2n ** 256n - 1n).toString();

export function request(signer: string, typedData: TypedData, chainId = 1): TypedDataRequest {
  return { kind: 'typed-data', chainId, signer: signer.toLowerCase() as `0x${string}`, typedData };
}

export function eip2612Permit(p: {
  token: string;
  owner: string;
  spender: string;
  value: string;
  chainId?: number;
}): TypedData {
  return {
    domain: { name: 'Demo', version: '1', chainId: p.chainId ?? 1, verifyingContract: p.token },
    types: {
      EIP712Domain: [
        { name: 'name', type: 'string' },
        { name: 'version', type: 'string' },
        { name: 'chainId', type: 'uint256' },
        { name: 'verifyingContract', type: 'address' },
      ],
      Permit: [
        { name: 'owner', type: 'address' },
        { name: 'spender', type: 'address' },
        { name: 'value', type: 'uint256' },
        { name: 'nonce', type: 'uint256' },
        { name: 'deadline', type: 'uint256' },
      ],
    },
    primaryType: 'Permit',
    message: { owner: p.owner, spender: p.spender, value: p.value, nonce: '0', deadline: '1900000000' },
  };
}

const PERMIT_DETAILS = [
  { name: 'token', type: 'address' },
  { name: 'amount', type: 'uint160' },
  { name: 'expiration', type: 'uint48' },
  { name: 'nonce', type: 'uint48' },
];

/** The classic Permit2 phishing payload: PermitSingle of the maximum amount to the attacker. */
export function permit2Single(p: {
  token: string;
  spender: string;
  amount?: string;
  chainId?: number;
}): TypedData {
  return {
    domain: { name: 'Permit2', chainId: p.chainId ?? 1, verifyingContract: PERMIT2 },
    types: {
      PermitDetails: PERMIT_DETAILS,
      PermitSingle: [
        { name: 'details', type: 'PermitDetails' },
        { name: 'spender', type: 'address' },
        { name: 'sigDeadline', type: 'uint256' },
      ],
    },
    primaryType: 'PermitSingle',
    message: {
      details: { token: p.token, amount: p.amount ?? MAX_UINT160, expiration: '281474976710655', nonce: '0' },
      spender: p.spender,
      sigDeadline: '1900000000',
    },
  };
}

export function permit2Batch(p: { tokens: string[]; spender: string }): TypedData {
  return {
    domain: { name: 'Permit2', chainId: 1, verifyingContract: PERMIT2 },
    types: {
      PermitDetails: PERMIT_DETAILS,
      PermitBatch: [
        { name: 'details', type: 'PermitDetails[]' },
        { name: 'spender', type: 'address' },
        { name: 'sigDeadline', type: 'uint256' },
      ],
    },
    primaryType: 'PermitBatch',
    message: {
      details: p.tokens.map((token, i) => ({
        token,
        amount: MAX_UINT160,
        expiration: '1900000000',
        nonce: String(i),
      })),
      spender: p.spender,
      sigDeadline: '1900000000',
    },
  };
}

export function permit2TransferFrom(p: {
  token: string;
  spender: string;
  amount: string;
  witness?: boolean;
}): TypedData {
  const base = [
    { name: 'permitted', type: 'TokenPermissions' },
    { name: 'spender', type: 'address' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ];
  return {
    domain: { name: 'Permit2', chainId: 1, verifyingContract: PERMIT2 },
    types: {
      TokenPermissions: [
        { name: 'token', type: 'address' },
        { name: 'amount', type: 'uint256' },
      ],
      ...(p.witness
        ? {
            PermitWitnessTransferFrom: [...base, { name: 'witness', type: 'Order' }],
            Order: [{ name: 'recipient', type: 'address' }],
          }
        : { PermitTransferFrom: base }),
    },
    primaryType: p.witness ? 'PermitWitnessTransferFrom' : 'PermitTransferFrom',
    message: {
      permitted: { token: p.token, amount: p.amount },
      spender: p.spender,
      nonce: '7',
      deadline: '1900000000',
      ...(p.witness ? { witness: { recipient: p.spender } } : {}),
    },
  };
}

const SEAPORT_TYPES = {
  OrderComponents: [
    { name: 'offerer', type: 'address' },
    { name: 'zone', type: 'address' },
    { name: 'offer', type: 'OfferItem[]' },
    { name: 'consideration', type: 'ConsiderationItem[]' },
    { name: 'orderType', type: 'uint8' },
    { name: 'startTime', type: 'uint256' },
    { name: 'endTime', type: 'uint256' },
    { name: 'zoneHash', type: 'bytes32' },
    { name: 'salt', type: 'uint256' },
    { name: 'conduitKey', type: 'bytes32' },
    { name: 'counter', type: 'uint256' },
  ],
  OfferItem: [
    { name: 'itemType', type: 'uint8' },
    { name: 'token', type: 'address' },
    { name: 'identifierOrCriteria', type: 'uint256' },
    { name: 'startAmount', type: 'uint256' },
    { name: 'endAmount', type: 'uint256' },
  ],
  ConsiderationItem: [
    { name: 'itemType', type: 'uint8' },
    { name: 'token', type: 'address' },
    { name: 'identifierOrCriteria', type: 'uint256' },
    { name: 'startAmount', type: 'uint256' },
    { name: 'endAmount', type: 'uint256' },
    { name: 'recipient', type: 'address' },
  ],
};
const ZERO = '0x0000000000000000000000000000000000000000';
const ZERO32 = `0x${'00'.repeat(32)}`;

/** Seaport listing of one ERC-721 for native currency, paid to the given recipients. */
export function seaportListing(p: {
  offerer: string;
  nft: string;
  tokenId: string;
  payments: { recipient: string; amount: string }[];
}): TypedData {
  return {
    domain: { name: 'Seaport', version: '1.6', chainId: 1, verifyingContract: SEAPORT },
    types: SEAPORT_TYPES,
    primaryType: 'OrderComponents',
    message: {
      offerer: p.offerer,
      zone: ZERO,
      offer: [
        { itemType: 2, token: p.nft, identifierOrCriteria: p.tokenId, startAmount: '1', endAmount: '1' },
      ],
      consideration: p.payments.map((pay) => ({
        itemType: 0,
        token: ZERO,
        identifierOrCriteria: '0',
        startAmount: pay.amount,
        endAmount: pay.amount,
        recipient: pay.recipient,
      })),
      orderType: 0,
      startTime: '1700000000',
      endTime: '1900000000',
      zoneHash: ZERO32,
      salt: '1',
      conduitKey: ZERO32,
      counter: '0',
    },
  };
}

/** The Blur Exchange (v1) EIP-712 domain on mainnet. */
export const BLUR_DOMAIN = {
  name: 'Blur Exchange',
  version: '1.0',
  chainId: 1,
  verifyingContract: '0x000000000000Ad05Ccc4F10045630fb830B95127',
};

const BLUR_TYPES = {
  Order: [
    { name: 'trader', type: 'address' },
    { name: 'side', type: 'uint8' },
    { name: 'matchingPolicy', type: 'address' },
    { name: 'collection', type: 'address' },
    { name: 'tokenId', type: 'uint256' },
    { name: 'amount', type: 'uint256' },
    { name: 'paymentToken', type: 'address' },
    { name: 'price', type: 'uint256' },
    { name: 'listingTime', type: 'uint256' },
    { name: 'expirationTime', type: 'uint256' },
    { name: 'fees', type: 'Fee[]' },
    { name: 'salt', type: 'uint256' },
    { name: 'extraParams', type: 'bytes' },
    { name: 'nonce', type: 'uint256' },
  ],
  Fee: [
    { name: 'rate', type: 'uint16' },
    { name: 'recipient', type: 'address' },
  ],
};

export function blurSell(p: {
  trader: string;
  nft: string;
  price: string;
  fees?: { rate: number; recipient: string }[];
}): TypedData {
  return {
    domain: { ...BLUR_DOMAIN },
    types: BLUR_TYPES,
    primaryType: 'Order',
    message: {
      trader: p.trader,
      side: 1,
      matchingPolicy: '0x0000000000daB4A563819e8fd93dbA3b25BC3495',
      collection: p.nft,
      tokenId: '42',
      amount: '1',
      paymentToken: ZERO,
      price: p.price,
      listingTime: '1700000000',
      expirationTime: '1900000000',
      fees: p.fees ?? [],
      salt: '1',
      extraParams: '0x',
      nonce: '0',
    },
  };
}
