import { describe, expect, it } from 'vitest';
import { describeHours } from './purge.command.js';

describe('describeHours', () => {
  it('names the window in the largest whole unit', () => {
    expect(describeHours(168)).toBe('1 week');
    expect(describeHours(336)).toBe('2 weeks');
    expect(describeHours(24)).toBe('1 day');
    expect(describeHours(48)).toBe('2 days');
    expect(describeHours(1)).toBe('1 hour');
    expect(describeHours(36)).toBe('36 hours');
  });
});
