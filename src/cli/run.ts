import { UsageError, type CliIo } from './cli-io';
import { connectCommand } from './connect-command';
import { ExitStatus } from './exit-status';
import { listenCommand } from './listen-command';
import { connectUsage, listenUsage, programUsage, usage } from './usage';
import { packageVersion } from './version';

const commands: Record<string, { run: (args: readonly string[], io: CliIo) => Promise<number>; help: string }> = {
  connect: { run: connectCommand, help: connectUsage },
  listen: { run: listenCommand, help: listenUsage },
};

/** Runs the CLI on `argv` (without node and the script); resolves with the exit status. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    io.stdout.write(usage(topic !== undefined && commands[topic] ? commands[topic].help : programUsage, io.program));
    return first === undefined ? ExitStatus.usage : 0;
  }
  if (first === '-v' || first === '--version') {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  try {
    const command = commands[first];
    if (command === undefined) throw new UsageError(unknownCommand(first), '');
    if (rest.includes('-h') || rest.includes('--help')) {
      io.stdout.write(usage(command.help, io.program));
      return 0;
    }
    return await command.run(rest, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const where = error.command ? `${io.program} ${error.command}` : io.program;
    const help = error.command ? `${io.program} ${error.command} --help` : `${io.program} --help`;
    io.stderr.write(`${where}: ${error.message}\nRun "${help}" for usage.\n`);
    return ExitStatus.usage;
  }
}

function unknownCommand(name: string): string {
  const near = Object.keys(commands).find((command) => editDistance(command, name) <= 2);
  return name.startsWith('-')
    ? `unknown option ${name}; options go after the command, e.g. connect <url> ${name}`
    : `unknown command "${name}"${near ? `; did you mean "${near}"?` : '; the commands are connect and listen'}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min(current + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}
