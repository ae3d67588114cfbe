import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DOSSIER_EVENT_LABELS, DOSSIER_STEPS, stepRecorders } from '@tracker/domain';
import { jsonAnswer } from '../openapi/answers';

/** The dossier step types as their modules declare them: the pages' labels and the clerk form's fields
 * come from here, so a new step type needs no page change; `recordedBy` lets a page offer each role its own
 * steps (the access policy's rule). Open to every authenticated caller. */
@ApiTags('Hồ sơ')
@Controller('api/step-types')
export class StepTypesHttpController {
  @Get()
  @ApiOperation({ summary: 'Các loại bước của hồ sơ: trường, nhãn tiếng Việt và tiếng Anh' })
  @ApiOkResponse(
    jsonAnswer(
      '`steps` (type, event, labels, fields, form, finishes, recordedBy: vai trò được ghi) và `events` (nhãn)',
    ),
  )
  list() {
    return {
      // The system's own steps (a status push) are no type a caller records; their labels are in `events`.
      steps: DOSSIER_STEPS.filter((s) => !s.system).map((s) => ({
        type: s.type,
        event: s.event,
        labels: s.labels,
        fields: s.fields,
        form: s.form,
        finishes: s.finishes,
        recordedBy: stepRecorders(s.type),
      })),
      events: DOSSIER_EVENT_LABELS,
    };
  }
}
