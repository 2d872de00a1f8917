// The node tests' log scan is the run-wide one from @cairn/testkit.
export { type LogScanFinding, type LogScanParameters, scanLogsForSecrets } from '@cairn/testkit';
