// The soak's small province: four units on two levels, four procedures whose time limits fall due within
// the soak's window (working hours) or have long passed (backdated working days), and one token per role
// and unit.

export const SOAK_UNITS = [
  { id: 'SCT', name: 'Sở Công Thương', level: 'department' },
  { id: 'SNV', name: 'Sở Ngoại vụ', level: 'department' },
  { id: 'HOIAN', name: 'Phường Hội An', level: 'commune' },
  { id: 'NAMGIANG', name: 'Xã Nam Giang', level: 'commune' },
] as const;

export type SoakUnit = (typeof SOAK_UNITS)[number];

export const SOAK_PROCEDURES = [
  {
    code: 'SOAK.A',
    name: 'Cấp giấy phép kinh doanh',
    units: ['SCT', 'SNV'],
    timeLimit: { value: 2, unit: 'working-days' },
    onlineLevel: 'full',
    feeRequired: true,
    requiresWrittenResult: true,
  },
  {
    code: 'SOAK.B',
    name: 'Xác nhận hồ sơ',
    units: ['SCT', 'HOIAN'],
    timeLimit: { value: 8, unit: 'working-hours' },
    onlineLevel: 'partial',
    feeRequired: false,
    requiresWrittenResult: false,
  },
  {
    code: 'SOAK.C',
    name: 'Chứng thực bản sao',
    units: ['HOIAN', 'NAMGIANG'],
    timeLimit: { value: 3, unit: 'days' },
    onlineLevel: 'none',
    feeRequired: true,
    requiresWrittenResult: true,
  },
  {
    code: 'SOAK.D',
    name: 'Đăng ký hộ tịch',
    units: ['SNV', 'NAMGIANG'],
    timeLimit: { value: 5, unit: 'working-days' },
    onlineLevel: 'full',
    feeRequired: false,
    requiresWrittenResult: true,
  },
] as const;

export type SoakProcedure = (typeof SOAK_PROCEDURES)[number];

const token = (name: string) => `soak-${name}-token-`.padEnd(32, '0');

export const SOAK_TOKENS = {
  admin: token('admin'),
  reform: token('reform'),
  clerk: Object.fromEntries(SOAK_UNITS.map((u) => [u.id, token(`clerk-${u.id.toLowerCase()}`)])),
  supervisor: Object.fromEntries(SOAK_UNITS.map((u) => [u.id, token(`sup-${u.id.toLowerCase()}`)])),
} as const;

/** The tokens file the API reads. */
export function soakTokensFile(): unknown[] {
  return [
    { token: SOAK_TOKENS.admin, name: 'soak-admin', role: 'admin' },
    { token: SOAK_TOKENS.reform, name: 'soak-reform', role: 'reform-office' },
    ...SOAK_UNITS.flatMap((u) => [
      { token: SOAK_TOKENS.clerk[u.id], name: `clerk.${u.id}`, role: 'clerk', units: [u.id] },
      { token: SOAK_TOKENS.supervisor[u.id], name: `supervisor.${u.id}`, role: 'supervisor', units: [u.id] },
    ]),
  ];
}
