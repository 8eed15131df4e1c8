import { Inject } from '@nestjs/common';

/** Wall-clock source, injected so tests can run the server in fake time. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** DI token of the {@link Clock}; the default provider reads `Date.now()`. */
export const CLOCK = 'OPAMP:CLOCK';

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Injects the {@link Clock}. */
export const InjectClock = (): ParameterDecorator => Inject(CLOCK);
