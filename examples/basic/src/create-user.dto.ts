import {
  IsByteLength,
  IsEmail,
  IsString,
  Length,
  MaxLength,
} from 'class-validator';

export class CreateUserDto {
  @IsString()
  @Length(1, 255)
  name!: string;

  @IsEmail()
  @MaxLength(255)
  email!: string;

  /** bcrypt reads 72 bytes; longer passwords are refused, not truncated. */
  @IsString()
  @IsByteLength(8, 72)
  password!: string;
}
