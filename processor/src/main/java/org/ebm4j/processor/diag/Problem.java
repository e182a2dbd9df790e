package org.ebm4j.processor.diag;

/**
 * Every message the processor can report, each with a stable code. A message says what is wrong,
 * quotes the construct, and says what to write instead.
 */
public enum Problem {
  INTERNAL_ERROR(
      "EBM100",
      "internal error in the ebm4j processor while compiling %s (this is an ebm4j bug; please"
          + " report it with this trace):%n%s"),
  NOT_A_CLASS(
      "EBM101",
      "@EnergyModel goes on a top-level or static nested class, not on %s; declare the model as"
          + " 'public class ...'"),
  NO_ENERGY_METHOD(
      "EBM102",
      "@EnergyModel class %s has no @Energy method; add one method 'double energy(...)' annotated"
          + " @Energy (or @LogDensity)"),
  TWO_ENERGY_METHODS(
      "EBM103",
      "@EnergyModel class %s has more than one @Energy/@LogDensity method (%s); keep exactly one"),
  ENERGY_RETURN_TYPE(
      "EBM104", "the @Energy method '%s' returns %s; it must return double"),
  VARIABLE_ROLE(
      "EBM105",
      "energy parameter '%s' must be annotated with exactly one of @Visible or @Latent"),
  VARIABLE_DOMAIN(
      "EBM106",
      "energy parameter '%s' must be annotated with exactly one of @Binary, @Spin, @Real or @Categorical(states = \"dim\")"),
  VARIABLE_SHAPE(
      "EBM107", "energy parameter '%s': %s"),
  PARAM_TYPE(
      "EBM108",
      "@Param field '%s' has type %s; a parameter must be double, double[] or double[][]"),
  PARAM_SHAPE(
      "EBM109",
      "@Param field '%s' of type %s needs shape with %d dimension name(s), e.g. %s, but has %d"),
  PARAM_INIT(
      "EBM110",
      "@Param field '%s' has init \"%s\"; write zeros, constant(a), normal(std) or uniform(lo,hi)"
          + " with numbers as in Java"),
  NO_VISIBLE(
      "EBM111", "the energy of %s has no @Visible variable; annotate at least one parameter @Visible"),
  BAD_DIMENSION(
      "EBM112",
      "dimension name '%s' %s; use a Java identifier other than 'seed' and 'build', such as"
          + " \"hidden\""),
  UNSUPPORTED_STATEMENT(
      "EBM120", "%s is not supported in an energy body; %s"),
  UNSUPPORTED_EXPRESSION(
      "EBM121", "%s is not supported in an energy body; %s"),
  ALLOCATION(
      "EBM122",
      "'%s' allocates; an energy body may not create arrays or objects. Use the Ops functions"
          + " (matvec, add, tanh, ...) to build vectors"),
  UNKNOWN_CALL(
      "EBM123",
      "'%s' calls a method the processor does not know; an energy body may call only the"
          + " org.ebm4j.dsl.Ops functions and Math.exp/log/log1p/sqrt/tanh/pow. Inline the method's"
          + " formula instead"),
  BAD_CALL(
      "EBM124", "'%s': %s"),
  NON_INTEGER_CONDITION(
      "EBM125",
      "'%s' branches on a double value; conditions may only compare ints (loop indices, lengths,"
          + " constants), so the energy stays one differentiable formula. Write the choice with"
          + " arithmetic instead (for binary x: x * a + (1 - x) * b)"),
  FIELD_WRITE(
      "EBM126",
      "'%s' writes to a field; an energy body may not change the model. Use a local variable"),
  ARRAY_WRITE(
      "EBM127",
      "'%s' writes to an array element; arrays are read-only in an energy body. Accumulate into a"
          + " double local, or build a vector with the Ops functions"),
  LOOP_FORM(
      "EBM128",
      "loop '%s' is not of the form 'for (int i = start; i < end; i++)'; %s"),
  LOOP_CARRIED(
      "EBM129", "'%s': %s"),
  SHAPE_MISMATCH(
      "EBM130", "'%s': %s"),
  RETURN_PLACEMENT(
      "EBM131",
      "%s; the energy body must end with a single 'return <expression>;' and return nowhere else"),
  UNKNOWN_NAME(
      "EBM132",
      "'%s' is not a local variable, energy parameter or @Param field; declare it or annotate the"
          + " field with @Param"),
  LOCAL_TYPE(
      "EBM133", "local '%s': %s"),
  POW_EXPONENT(
      "EBM134",
      "'%s': Math.pow needs a constant exponent (a number literal); for a variable exponent write"
          + " Math.exp(b * Math.log(a))"),
  INT_REASSIGNED(
      "EBM135",
      "'%s' changes the int '%s'; ints in an energy body (sizes, loop indices) are fixed once"
          + " set. Declare a new int instead"),
  NOT_A_PARAM(
      "EBM136",
      "'%s' reads field '%s', which is not a @Param; annotate it with @Param, or make it a static"
          + " final constant"),
  VECTOR_AS_SCALAR(
      "EBM137", "'%s': %s"),
  BAD_INDEX(
      "EBM138", "'%s': %s"),
  BUILD_TOOL(
      "EBM139",
      "the ebm4j processor cannot read method bodies in this build environment (%s); run javac"
          + " with the processor on the annotation processor path (Maven annotationProcessorPaths,"
          + " Gradle annotationProcessor, or javac -processorpath)"),
  BAD_MODEL_NAME(
      "EBM140", "@EnergyModel(name = \"%s\") %s; write a Java class name other than the spec's, such as \"%sModel\""),
  ABSTRACT_SPEC(
      "EBM141", "@EnergyModel class %s is abstract; the spec is also the reference implementation, so it must be a concrete class"),
  PARAM_MODIFIER(
      "EBM142", "@Param field '%s' is %s; the generated model sets its parameters itself, so drop '%s' (and any initializer: use init = \"...\")"),
  NAME_CLASH(
      "EBM143", "@Param field '%s' has the name of the energy's variable '%s'; inside the energy the name means the variable, so rename one"),
  BAD_ANNOTATION_VALUE(
      "EBM144", "the value of '%s' in @%s on %s is not a constant the compiler could read (javac says why on the same line); write a string"
          + " literal such as \"n\", or a static final String constant"),
  LOCAL_SPEC(
      "EBM145", "@EnergyModel class %s is declared inside %s, where annotation processors cannot see it, so no model would be generated;"
          + " declare it as a top-level class or a static nested class of a top-level class"),
  PARAM_INITIALIZER(
      "EBM146", "@Param field '%s' has an initializer (= %s), which the generated model never runs: it sets θ from init; drop the initializer"
          + " and write %s");

  private final String code;
  private final String format;

  Problem(String code, String format) {
    this.code = code;
    this.format = format;
  }

  public String code() {
    return code;
  }

  /** The message for these arguments, prefixed with the code: {@code [EBM104] ...}. */
  public String format(Object... args) {
    return "[" + code + "] " + String.format(format, args);
  }
}
