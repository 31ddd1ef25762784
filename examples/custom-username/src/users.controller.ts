import { Body, Controller, Get, NotFoundException, Post } from '@nestjs/common';
import {
  AccessToken,
  ForProvider,
  Public,
  type AccessTokenClaims,
} from 'nestjs-password-grant';
import { bodyValidation } from './accounts.util.js';
import { CreateUserDto } from './create-user.dto.js';
import { UsersService, type PublicUser } from './users.service.js';

/**
 * The users' routes. The module's global guard protects them, and
 * `@ForProvider('users')` refuses tokens issued to the admins' clients.
 */
@ForProvider('users')
@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Public()
  @Post('users')
  register(@Body(bodyValidation) body: CreateUserDto): Promise<PublicUser> {
    return this.users.register(body);
  }

  @Get('me')
  async me(@AccessToken() token: AccessTokenClaims): Promise<PublicUser> {
    const user = await this.users.findById(token.sub);
    if (!user) throw new NotFoundException();
    return user;
  }
}
