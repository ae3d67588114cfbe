import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** `POST /api/session`: a name and password from the users file (TRACKER_USERS_FILE). */
export class SessionRequest {
  @IsString()
  @IsNotEmpty({ message: 'name is required' })
  @MaxLength(200)
  name!: string;

  @IsString()
  @IsNotEmpty({ message: 'password is required' })
  @MaxLength(1024)
  password!: string;
}
