export * from './command.ts';
export { main } from './main.ts';
