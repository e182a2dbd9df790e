package org.ebm4j.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The ebm4j command line: {@code java -jar ebm4j.jar <command> [options]}. */
@Command(
    name = "ebm4j",
    mixinStandardHelpOptions = true,
    version = "ebm4j 0.1.0",
    description = "Train, evaluate and inspect energy-based models compiled by ebm4j.",
    subcommands = {TrainCommand.class, EvaluateCommand.class, SampleCommand.class, ContactsCommand.class, ExportCommand.class, DescribeCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code: 0 success, 2 usage error, 1 failure. */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    // --version on every command, not only the top level.
    cli.getSubcommands().values().forEach(sub -> sub.getCommandSpec().version(cli.getCommandSpec().version()));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof IllegalArgumentException || e instanceof IllegalStateException || e instanceof ArithmeticException
              || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
            commandLine.getErr().println("error: " + e.getMessage());
            return 1;
          }
          throw e;
        });
    return cli.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: train, evaluate, sample, export or describe");
  }
}
