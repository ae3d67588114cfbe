import { ConfigurationError } from '../config/environment';
import { parseTokens, resolveTokens } from './tokens-file';

describe('tokens file', () => {
  it('given a valid file, when a token is presented, then it maps to its name, role and units', () => {
    const registry = parseTokens([
      { token: 'clerk-token-0123456789', name: 'lan', role: 'clerk', units: ['SCT'] },
      { token: 'reform-token-012345678', name: 'cchc', role: 'reform-office' },
    ]);
    expect(registry.authenticate('clerk-token-0123456789')).toEqual({
      subject: 'lan',
      role: 'clerk',
      units: ['SCT'],
    });
    expect(registry.authenticate('reform-token-012345678')).toEqual({
      subject: 'cchc',
      role: 'reform-office',
      units: [],
    });
    expect(registry.authenticate('nope')).toBeUndefined();
  });

  it('given bad entries, when parsed, then one error names every bad field', () => {
    expect(() =>
      parseTokens([
        { token: 'short', name: 'a', role: 'clerk', units: ['X'] },
        { token: 'clerk-token-0123456789', name: 'b', role: 'janitor' },
        { token: 'clerk-token-0123456789', name: 'c', role: 'supervisor', units: [] },
      ]),
    ).toThrow(
      /\[0\] \(a\)\.token[\s\S]*\[1\] \(b\)\.role[\s\S]*\[2\] \(c\)\.units[\s\S]*\[2\] \(c\)\.token: duplicate/,
    );
    expect(() => parseTokens({})).toThrow(ConfigurationError);
  });

  it('given a clerk or supervisor entry without units, then it is refused naming the entry', () => {
    expect(() =>
      parseTokens([
        { token: 'admin-token-0123456789', name: 'root', role: 'admin' },
        { token: 'clerk-token-0123456789', name: 'lan', role: 'clerk' },
        { token: 'super-token-0123456789', name: 'minh', role: 'supervisor' },
      ]),
    ).toThrow(/\[1\] \(lan\)\.units: [^\n]*units must list[\s\S]*\[2\] \(minh\)\.units/);
  });

  it('given two entries with one name and different tokens, then the file is refused (the name is the identity)', () => {
    expect(() =>
      parseTokens([
        { token: 'clerk-token-0123456789', name: 'Nguyễn Lan', role: 'clerk', units: ['SCT'] },
        { token: 'clerk-token-9876543210', name: 'Nguyễn Lan', role: 'clerk', units: ['HOIAN'] },
      ]),
    ).toThrow(/\[1\] \(Nguyễn Lan\)\.name: "Nguyễn Lan" is already the name of entry \[0\]/);
  });

  it('given no file outside production, then one admin token is generated for local use', () => {
    const { registry, generatedAdminToken } = resolveTokens({ production: false });
    expect(generatedAdminToken).toMatch(/^[\w-]{32}$/);
    expect(registry.authenticate(generatedAdminToken!)).toMatchObject({ role: 'admin' });
    expect(registry.size).toBe(1);
  });

  it('given no file in production, then start-up is refused', () => {
    expect(() => resolveTokens({ production: true })).toThrow(/TRACKER_TOKENS_FILE is required/);
  });
});
