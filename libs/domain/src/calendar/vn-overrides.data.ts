import type { CalendarYearOverrides } from './calendar.types';

/*
 * Yearly corrections for cán bộ, công chức, viên chức (Saturday–Sunday week) on top of the skeleton
 * (vn-skeleton.ts: date-holidays VN + Labour Code Art. 111(3) compensatory days). Only the differences
 * from the skeleton are listed; the comment on each year gives the resulting weekdays off.
 * Data, not code: an admin `PUT /api/calendar/{year}` replaces a year when a notice says otherwise.
 *
 * Confirmation status (searched 2026; secondary reproductions of the notices, not the signed PDFs):
 * - 2024 confirmed: Thông báo 5015/TB-LĐTBXH of 22/11/2023 (Tết 8–14/2, Quốc khánh 31/8–3/9, text seen
 *   on a district portal); Công văn 2450/VPCP-KGVX of 12/4/2024 (Mon 29/4 off, Sat 4/5 worked, press);
 *   1570/TB-LĐTBXH is the ministry's notice of that swap (number from a third-party dataset only).
 * - 2025: Công văn 8726/VPCP-KGVX of 26/11/2024 (press) and Thông báo 6150/TB-LĐTBXH (number from
 *   third-party datasets): Tết 25/1–2/2, Fri 2/5 ↔ Sat 26/4, Quốc khánh 30/8–2/9 (one-stop-shop.md §b).
 * - 2026 confirmed: Thông báo 9441/TB-BNV of 16/10/2025 (Tết 16–20/2, press); Công văn 12729/VPCP-KGVX
 *   of 25/12/2025 (Fri 2/1 off, Sat 10/1 worked, press). NOT confirmed from a primary text: the second
 *   Quốc khánh day 1/9 and the swap Mon 31/8 ↔ Sat 22/8 (two independent third-party datasets citing
 *   9441/TB-BNV agree; shipped), and "no swap around 30/4" (Công văn 3383/BNV-CVL, one dataset).
 *   24/11 Ngày Văn hóa Việt Nam (Nghị quyết 28/2026/QH16, from 1/7/2026) is in the skeleton from 2026
 *   (vn-skeleton.ts), confirmed only through several independent third-party reproductions; a proposed
 *   swap around it (23/11 off, 28/11 worked) was not found approved and is not shipped.
 * - 2027: no notice was issued when this was written. Shipped from the statute alone: Tết is the
 *   skeleton's 5 days (5/2–9/2, from the day before mùng 1 = Sat 6/2) with Art. 111(3) compensatory
 *   days 10–11/2 for the weekend, and Sat 1/5 is compensated on Mon 3/5. The second Quốc khánh day is an
 *   inference (Fri 3/9 joins the weekend to Thu 2/9, as in 2024/2025 practice) and must be checked.
 */
export const VN_CALENDAR_OVERRIDES: readonly CalendarYearOverrides[] = Object.freeze([
  {
    // Weekdays off: 1/1; 8, 9, 12, 13, 14/2; 18/4; 29, 30/4; 1/5; 2, 3/9. Saturday worked: 4/5.
    year: 2024,
    holidays: ['2024-02-08', '2024-04-29', '2024-09-03'],
    // 15/2 is the skeleton's compensatory day for its 9–13/2 window; the notice's window ends on 14/2.
    workingDays: ['2024-02-15', '2024-05-04'],
    sources: [
      'Thông báo 5015/TB-LĐTBXH (22/11/2023)',
      'Công văn 2450/VPCP-KGVX (12/4/2024)',
      'Thông báo 1570/TB-LĐTBXH (2024)',
    ],
  },
  {
    // Weekdays off: 1/1; 27–31/1; 7/4; 30/4; 1, 2/5; 1, 2/9. Saturday worked: 26/4.
    year: 2025,
    holidays: ['2025-01-27', '2025-05-02', '2025-09-01'],
    // 3/2 is the skeleton's compensatory day for Sat 1/2; the notice's window ends on Sun 2/2.
    workingDays: ['2025-02-03', '2025-04-26'],
    sources: ['Thông báo 6150/TB-LĐTBXH (2024)', 'Công văn 8726/VPCP-KGVX (26/11/2024)'],
  },
  {
    // Weekdays off: 1, 2/1; 16–20/2; 27/4 (Giỗ Tổ on Sun 26/4, skeleton); 30/4; 1/5; 31/8; 1, 2/9;
    // 24/11 (skeleton).
    // Saturdays worked: 10/1, 22/8.
    year: 2026,
    holidays: ['2026-01-02', '2026-08-31', '2026-09-01'],
    workingDays: ['2026-01-10', '2026-08-22'],
    sources: [
      'Thông báo 9441/TB-BNV (16/10/2025)',
      'Công văn 12729/VPCP-KGVX (25/12/2025)',
      'Công văn 3383/BNV-CVL (10/4/2026)',
    ],
  },
  {
    // Weekdays off: 1/1; 5, 8, 9, 10, 11/2 (skeleton); 16/4; 30/4; 3/5 (skeleton); 2, 3/9; 24/11. Provisional.
    year: 2027,
    holidays: ['2027-09-03'],
    workingDays: [],
    sources: ['Bộ luật Lao động 45/2019/QH14 Điều 111(3), 112 (provisional: no 2027 notice yet)'],
  },
]);
