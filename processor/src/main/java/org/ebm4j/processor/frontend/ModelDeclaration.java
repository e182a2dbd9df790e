package org.ebm4j.processor.frontend;

import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import org.ebm4j.model.Domain;

/**
 * What an {@code @EnergyModel} class declares, read from its elements: parameters, variables,
 * dimensions and the energy method. The body is translated separately by {@link TreeToIr}.
 *
 * @param type the spec class
 * @param packageName its package ("" for the unnamed package)
 * @param generatedName simple name of the generated class
 * @param params the {@code @Param} fields, in declaration order
 * @param variables the energy's parameters, in state order (visible first, then latent)
 * @param dimensions every dimension name, in order of first appearance
 * @param energyMethod the {@code @Energy} or {@code @LogDensity} method
 * @param logDensity whether the method returns log p̃ instead of E
 */
public record ModelDeclaration(
    TypeElement type,
    String packageName,
    String generatedName,
    List<ParamDecl> params,
    List<VariableDecl> variables,
    List<String> dimensions,
    ExecutableElement energyMethod,
    boolean logDensity) {

  /**
   * One {@code @Param}.
   *
   * @param name field name
   * @param dims one dimension name per axis
   * @param init the initialiser, parsed
   * @param element the field
   */
  public record ParamDecl(String name, List<String> dims, Init init, VariableElement element) {}

  /**
   * A parsed {@code init} string: {@code kind} is zeros, constant, normal or uniform.
   *
   * @param kind the initialiser's name
   * @param args its numbers
   */
  public record Init(String kind, List<Double> args) {}

  /**
   * One variable of the state.
   *
   * @param name the energy parameter's name
   * @param visible {@code @Visible} rather than {@code @Latent}
   * @param domain {@code @Binary}, {@code @Spin}, {@code @Real} or {@code @Categorical}
   * @param dims {@code @Shape} (empty for a scalar variable)
   * @param element the method parameter
   */
  public record VariableDecl(
      String name, boolean visible, Domain domain, List<String> dims, String states, VariableElement element) {}

  public String qualifiedGeneratedName() {
    return packageName.isEmpty() ? generatedName : packageName + "." + generatedName;
  }

  public VariableDecl variable(String name) {
    return variables.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
  }
}
