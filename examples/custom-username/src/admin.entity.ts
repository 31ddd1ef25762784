import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A back-office account, kept apart from the users and found by email. */
@Entity({ name: 'admins' })
export class Admin {
  @PrimaryGeneratedColumn()
  id!: number;

  /** Stored in lower case. */
  @Column({ type: 'varchar', length: 255, unique: true })
  email!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  /** bcrypt hash; never selected unless asked for. */
  @Column({ type: 'varchar', length: 255, select: false })
  password!: string;
}
