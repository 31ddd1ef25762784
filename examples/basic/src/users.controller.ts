import {
  Body,
  Controller,
  Get,
  NotFoundException,
  Post,
  ValidationPipe,
} from '@nestjs/common';
import {
  AccessToken,
  Public,
  Scopes,
  type AccessTokenClaims,
} from 'nestjs-password-grant';
import { CreateUserDto } from './create-user.dto.js';
import { UsersService, type PublicUser } from './users.service.js';

const validation = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
});

/** Every route is guarded by the module's global guard unless @Public. */
@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Public()
  @Post('users')
  register(@Body(validation) body: CreateUserDto): Promise<PublicUser> {
    return this.users.register(body);
  }

  @Get('me')
  async me(@AccessToken() token: AccessTokenClaims): Promise<PublicUser> {
    const user = await this.users.findById(token.sub);
    if (!user) throw new NotFoundException();
    return user;
  }

  @Scopes('admin')
  @Get('admin')
  admin(@AccessToken() token: AccessTokenClaims) {
    return { message: 'Welcome to the admin area.', user_id: token.sub };
  }
}
