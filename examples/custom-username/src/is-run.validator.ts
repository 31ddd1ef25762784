import { registerDecorator, type ValidationOptions } from 'class-validator';
import { normalizeRun } from './run.util.js';

/**
 * A class-validator rule: the value is a RUN with a correct check digit,
 * written with or without dots and dash, `k` or `K`.
 */
export function IsRun(options: ValidationOptions = {}): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isRun',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message:
          '$property must be a RUN with a valid check digit, such as 12.345.678-5',
        ...options,
      },
      validator: { validate: (value: unknown) => normalizeRun(value) !== null },
    });
  };
}
