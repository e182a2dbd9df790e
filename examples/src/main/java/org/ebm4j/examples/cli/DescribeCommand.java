package org.ebm4j.examples.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ebm4j.model.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code describe}: what the processor found in a model. */
@Command(name = "describe", mixinStandardHelpOptions = true, description = "Print a model's variables, parameters and the structure the processor proved.")
final class DescribeCommand implements Callable<Integer> {
  @Mixin ModelOptions options;

  @Override
  public Integer call() {
    Class<?> type = ExampleModels.resolve(options.model);
    List<String> names = Models.dimensions(Models.generatedClass(type));
    options.checkDims(names);
    Map<String, Integer> sizes = new LinkedHashMap<>();
    for (String n : names) {
      sizes.put(n, options.dims.getOrDefault(n, ExampleModels.defaults(options.model).getOrDefault(n, 2)));
    }
    System.out.print(Models.create(type, sizes, 0).describe());
    return 0;
  }
}
