import { IsByteLength, IsString, Length } from 'class-validator';
import { IsRun } from './is-run.validator.js';

export class CreateUserDto {
  /** Any accepted spelling; stored normalised. */
  @IsRun()
  run!: string;

  @IsString()
  @Length(1, 255)
  name!: string;

  /** bcrypt reads 72 bytes; longer passwords are refused, not truncated. */
  @IsString()
  @IsByteLength(8, 72)
  password!: string;
}
