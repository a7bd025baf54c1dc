import type { Device } from '@pipeline/events';
import { COUNTRY_MIX, DEVICE_MIX } from './reference-data';
import { SeededRandom, WeightedTable } from './random';

export interface User {
  user_id: string;
  /** Home country (ISO 3166-1 alpha-2); every session of the user comes from it. */
  country: string;
  /** The device most of the user's sessions use. */
  primaryDevice: Device;
  /** Relative visit frequency (heavy-tailed): a few loyal users account for many sessions. */
  activity: number;
}

/** Share of sessions on a device other than the user's primary one (phone vs laptop). */
const OTHER_DEVICE_SHARE = 0.2;

export function buildUsers(rng: SeededRandom, count: number): User[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`user count must be a positive integer, got ${count}`);
  const countries = new WeightedTable(COUNTRY_MIX);
  const devices = new WeightedTable(DEVICE_MIX);
  const width = Math.max(6, String(count).length);
  const users: User[] = [];
  for (let i = 0; i < count; i++) {
    users.push({
      user_id: `u-${String(i + 1).padStart(width, '0')}`,
      country: rng.weighted(countries),
      primaryDevice: rng.weighted(devices),
      // Pareto(alpha = 1.5) via inverse transform, capped so one user cannot dominate a small population.
      activity: Math.min(50, Math.pow(1 - rng.float(), -1 / 1.5)),
    });
  }
  return users;
}

/** Picks the user and device of a new session. */
export class UserPopulation {
  private readonly byActivity: WeightedTable<User>;
  private readonly devices = new WeightedTable(DEVICE_MIX);

  constructor(readonly users: readonly User[]) {
    this.byActivity = new WeightedTable(users.map((u) => ({ value: u, weight: u.activity })));
  }

  visitor(rng: SeededRandom): { user: User; device: Device } {
    const user = rng.weighted(this.byActivity);
    const device = rng.chance(OTHER_DEVICE_SHARE) ? rng.weighted(this.devices) : user.primaryDevice;
    return { user, device };
  }
}
