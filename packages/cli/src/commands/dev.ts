// `cairn dev`: what `npm start` runs. Until the signer-node issue lands it reports what exists.
import type { Command } from '../command.ts';

export const command: Command = {
  name: 'dev',
  summary: 'start the embedded default on this machine (what `npm start` runs)',
  help: `usage: cairn dev

Starts Cairn's embedded default on this machine. In this version the signer nodes and the
coordinator do not exist yet, so it prints what is available and exits.`,
  async run(_argv, io) {
    io.stdout(
      [
        'Cairn (embedded default)',
        '',
        'Available now:',
        '  packages/mpc   threshold-signing layer: ThresholdScheme, session engine, FROST',
        '  cairn --help   the command-line tool',
        '',
        'Try: npm test   |   npm run bench -- frost',
        '',
      ].join('\n'),
    );
    return 0;
  },
};
