import { createContext, useContext } from 'react';
import { dayOf, type DayNumber } from '../../domain/core';

/**
 * "Now" and "today" for every screen come from here, never from `new Date()`
 * in a component: the domain takes the day as a parameter, and tests provide
 * a fixed clock (ClockContext) so nothing they assert flips at midnight.
 */
interface Clock {
  now(): Date;
}

const systemClock: Clock = { now: () => new Date() };

/** A clock that always says `at` (tests, and reproducing what a screen showed). */
export const fixedClock = (at: Date): Clock => ({ now: () => new Date(at.getTime()) });

export const ClockContext = createContext<Clock>(systemClock);

/** The screen's clock (the same object across renders, so it can be a hook dependency). */
export function useClock(): Clock {
  return useContext(ClockContext);
}

/** Today's day number on a clock, in this device's calendar. */
export const todayOf = (clock: Clock): DayNumber => dayOf(clock.now());
