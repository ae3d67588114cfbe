import { IsInt, IsString, MaxLength, getMetadataStorage, validate } from 'class-validator';
import { rememberValidationRules } from './remembered-validation-rules';

class Base {
  @IsString()
  name!: string;
}

class Derived extends Base {
  @IsInt()
  count!: number;
}

const problems = async (o: object) =>
  (await validate(o, { whitelist: true, forbidNonWhitelisted: true })).map((e) => [
    e.property,
    Object.keys(e.constraints ?? {}),
  ]);

describe('rememberValidationRules: class-validator answers as before, without recomputing the rules', () => {
  beforeAll(() => rememberValidationRules());

  it('gives the same rules, inherited ones included, and the same list for the same class and options', async () => {
    const storage = getMetadataStorage();
    const first = storage.getTargetValidationMetadatas(Derived, '', false, false);
    expect(first.map((m) => m.propertyName).sort()).toEqual(['count', 'name']);
    expect(storage.getTargetValidationMetadatas(Derived, '', false, false)).toBe(first);
    expect(storage.getTargetValidationMetadatas(Derived, '', false, false, ['g'])).not.toBe(first);
    expect(Object.keys(storage.groupByPropertyName(first)).sort()).toEqual(['count', 'name']);
    expect(await problems(Object.assign(new Derived(), { name: 1, count: 'x', extra: true }))).toEqual([
      ['extra', ['whitelistValidation']],
      ['count', ['isInt']],
      ['name', ['isString']],
    ]);
  });

  it('sees a rule registered after the rules were remembered', async () => {
    expect(await problems(Object.assign(new Derived(), { name: 'a very long name', count: 1 }))).toEqual([]);
    MaxLength(4)(Base.prototype, 'name');
    expect(await problems(Object.assign(new Derived(), { name: 'a very long name', count: 1 }))).toEqual([
      ['name', ['maxLength']],
    ]);
  });
});
