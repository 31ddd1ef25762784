import { Body, Controller, Get, NotFoundException, Post } from '@nestjs/common';
import {
  AccessToken,
  ForProvider,
  type AccessTokenClaims,
} from 'nestjs-password-grant';
import { bodyValidation } from './accounts.util.js';
import { AdminsService, type PublicAdmin } from './admins.service.js';
import { CreateAdminDto } from './create-admin.dto.js';

/**
 * The admins' routes: only tokens issued to clients of the `admins`
 * provider pass. Creating an admin needs an admin; the first one is made
 * by the seed on first start.
 */
@ForProvider('admins')
@Controller()
export class AdminsController {
  constructor(private readonly admins: AdminsService) {}

  @Post('admins')
  register(@Body(bodyValidation) body: CreateAdminDto): Promise<PublicAdmin> {
    return this.admins.register(body);
  }

  @Get('admin/me')
  async me(@AccessToken() token: AccessTokenClaims): Promise<PublicAdmin> {
    const admin = await this.admins.findById(token.sub);
    if (!admin) throw new NotFoundException();
    return admin;
  }
}
