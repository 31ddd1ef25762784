import { SetMetadata } from '@nestjs/common';
import { PUBLIC_METADATA } from '../password-grant.constants.js';

/**
 * Lets a route or controller through a global {@link PasswordGrantGuard}.
 *
 * @example
 * @Public() @Post('users') register() {}
 * @publicApi
 */
export const Public = () => SetMetadata(PUBLIC_METADATA, true);
