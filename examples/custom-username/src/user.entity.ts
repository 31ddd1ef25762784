import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A person who logs in with their RUN. */
@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn()
  id!: number;

  /** Normalised: `12345678-5`, no dots, upper-case `K`. */
  @Column({ type: 'varchar', length: 12, unique: true })
  run!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  /** bcrypt hash; never selected unless asked for. */
  @Column({ type: 'varchar', length: 255, select: false })
  password!: string;
}
