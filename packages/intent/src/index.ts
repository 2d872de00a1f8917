// @cairn/intent: intent-aware simulation and risk engine — no blind signing.
export * from './analyze.ts';
export * from './coverage.ts';
export { decodeCall, flattenDecoded, MAX_DECODE_DEPTH } from './decode/decode-call.ts';
export { decodeMultiSend, encodeMultiSend, type MultiSendTransaction } from './decode/multisend.ts';
export { AbiRegistry, DATA_DIR, defaultRegistry } from './decode/registry.ts';
export { decodeRevertReason } from './decode/revert.ts';
export { PERMIT2_ADDRESS, STANDARD_ABIS } from './decode/standard-abis.ts';
export type {
  RawSimulation,
  SimulateOptions,
  SimulationEngine,
  SimulationInput,
  StateReader,
} from './engine/engine.ts';
export { ForkEngine, type ForkEngineParameters, type ForkEngineStats } from './engine/fork-engine.ts';
export { ForkUpstream, type ForkUpstreamParameters } from './engine/fork-upstream.ts';
export { JsonRpcClient, RpcResponseError } from './engine/json-rpc.ts';
export { type RpcMeter, startRpcMeter } from './engine/rpc-meter.ts';
export { RpcEngine, type RpcEngineMode, type RpcEngineParameters } from './engine/rpc-engine.ts';
export { CachedStateReader } from './engine/state-reader.ts';
export * from './errors.ts';
export { formatUnits } from './extract/amounts.ts';
export { mappingSlot, SLOTS } from './extract/state-changes.ts';
export * from './lists/index.ts';
export { buildReport, reportDigest, riskLevelOf, toIntentFacts } from './report.ts';
export { parseTransactionRequest, parseTypedDataRequest } from './request.ts';
export {
  bytecodeCanMoveAssets,
  createLargeOutflowRule,
  createUnknownSelectorRule,
  evaluateRules,
  type LargeOutflowRuleParameters,
  RULES,
  SIMULATION_REVERTED,
  type UnknownSelectorRuleParameters,
} from './rules/index.ts';
export { analyzeTypedDataMessage, parseTypedData, typedDataSchema } from './typed-data/index.ts';
export { renderReport } from './render.ts';
export * from './types.ts';
export {
  runSimulateCommand,
  type SimulateCommandParameters,
  type SimulateCommandResult,
} from './simulate.ts';
