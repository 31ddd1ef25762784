import { ConflictException, ValidationPipe } from '@nestjs/common';
import type {
  DeepPartial,
  FindOptionsWhere,
  ObjectLiteral,
  Repository,
} from 'typeorm';

/** Request bodies: validated, unknown fields refused. */
export const bodyValidation = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
});

/**
 * Saves a new account, or answers 409 when `unique` already names one
 * (checked first, and again when the insert fails on the unique index).
 */
export async function insertAccount<T extends ObjectLiteral>(
  repository: Repository<T>,
  unique: FindOptionsWhere<T>,
  account: DeepPartial<T>,
  takenMessage: string,
): Promise<T> {
  if (await repository.existsBy(unique)) {
    throw new ConflictException(takenMessage);
  }
  try {
    return await repository.save(repository.create(account));
  } catch (error) {
    if (await repository.existsBy(unique)) {
      throw new ConflictException(takenMessage);
    }
    throw error;
  }
}

/** The account a token subject names, or null for a non-numeric id. */
export function findAccount<T extends { id: number }>(
  repository: Repository<T>,
  id: string,
): Promise<T | null> {
  const numeric = Number(id);
  if (!Number.isSafeInteger(numeric)) return Promise.resolve(null);
  return repository.findOneBy({ id: numeric } as FindOptionsWhere<T>);
}
