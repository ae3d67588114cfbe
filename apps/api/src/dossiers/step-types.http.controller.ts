import { Controller, Get } from '@nestjs/common';
import { DOSSIER_EVENT_LABELS, DOSSIER_STEPS } from '@tracker/domain';

/** The dossier step types as their modules declare them: the pages' labels and the clerk form's fields
 * come from here, so a new step type needs no page change. Open to every authenticated caller. */
@Controller('api/step-types')
export class StepTypesHttpController {
  @Get()
  list() {
    return {
      steps: DOSSIER_STEPS.map((s) => ({
        type: s.type,
        event: s.event,
        labels: s.labels,
        fields: s.fields,
        form: s.form,
        finishes: s.finishes,
      })),
      events: DOSSIER_EVENT_LABELS,
    };
  }
}
