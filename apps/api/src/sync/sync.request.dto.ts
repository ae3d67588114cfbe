import { IsIn, IsOptional, Matches } from 'class-validator';
import { ID_PATTERN } from '../catalogue/catalogue.request.dto';
import { DOSSIER_CODE } from '../dossiers/dossier.request.dto';

export class SyncQuery {
  @IsOptional()
  @Matches(ID_PATTERN, { message: 'unitId must be a unit id' })
  unitId?: string;

  @IsOptional()
  @IsIn(['pending', 'failed', 'synced'])
  status?: 'pending' | 'failed' | 'synced';
}

export class SyncCodeParam {
  @Matches(DOSSIER_CODE, { message: 'code must be a dossier code' })
  code!: string;
}
