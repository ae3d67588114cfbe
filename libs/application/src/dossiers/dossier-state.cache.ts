import { Injectable } from '@nestjs/common';
import type { DossierState } from '@tracker/domain';
import { StreamStateCache } from '../command-handling/stream-state.cache';

/**
 * States of the dossiers this process wrote last: a clerk records a dossier's next step soon after the one
 * before, so most steps decide without reading the stream back. A few KB per dossier; 10,000 dossiers.
 */
@Injectable()
export class DossierStateCache extends StreamStateCache<DossierState> {
  constructor() {
    super(10_000);
  }
}
