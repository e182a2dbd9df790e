package org.ebm4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ScheduleTest {
  @Test
  void factorsDependOnTheEpochOnly() {
    assertEquals(1.0, Schedule.parse("constant").factor(17));
    Schedule exp = Schedule.parse("exp:0.5");
    assertEquals(1.0, exp.factor(1));
    assertEquals(0.125, exp.factor(4));
    Schedule inverse = Schedule.parse("inverse:10");
    assertEquals(1.0, inverse.factor(1));
    assertEquals(0.5, inverse.factor(11), 1e-15);
  }

  @Test
  void badSchedulesSayWhatIsAccepted() {
    assertEquals("unknown schedule 'linear'; use constant, exp:GAMMA or inverse:HALFLIFE",
        assertThrows(IllegalArgumentException.class, () -> Schedule.parse("linear")).getMessage());
    assertEquals("schedule 'exp:x' has no valid number", assertThrows(IllegalArgumentException.class, () -> Schedule.parse("exp:x")).getMessage());
    assertEquals("exponential schedule needs 0 < gamma <= 1, got 1.5", assertThrows(IllegalArgumentException.class, () -> Schedule.parse("exp:1.5")).getMessage());
    assertEquals("inverse schedule needs a positive half-life, got 0.0", assertThrows(IllegalArgumentException.class, () -> Schedule.parse("inverse:0")).getMessage());
  }
}
