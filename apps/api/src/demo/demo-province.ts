// The demo province, modelled on the reference article (Quảng Nam, 2024): about 20 departments and 18
// districts, 113,695 dossiers a quarter, 73.2 % of them online. Unit profiles (late, supplement, apology,
// digitization, payment rates) are drawn from a seeded PRNG so every run builds the same province.

export type DemoUnit = Readonly<{
  id: string;
  name: string;
  level: 'department' | 'district';
  weight: number;
}>;
export type DemoProcedure = Readonly<{
  code: string;
  name: string;
  level: 'department' | 'district';
  /** Department procedures belong to one department; district procedures to every district. */
  unit?: string;
  timeLimit: { value: number; unit: 'working-days' | 'days' | 'working-hours' };
  onlineLevel: 'none' | 'partial' | 'full';
  fee: number;
  requiresWrittenResult: boolean;
  weight: number;
}>;

export const ARTICLE = { dossiersPerQuarter: 113_695, onlineShare: 0.732 } as const;

// Relative volumes: districts carry most dossiers (land, business households, construction, civil status).
export const DEMO_UNITS: readonly DemoUnit[] = [
  { id: 'SCT', name: 'Sở Công Thương', level: 'department', weight: 3 },
  { id: 'SNGV', name: 'Sở Ngoại vụ', level: 'department', weight: 0.6 },
  { id: 'SKHCN', name: 'Sở Khoa học và Công nghệ', level: 'department', weight: 0.8 },
  { id: 'SKHDT', name: 'Sở Kế hoạch và Đầu tư', level: 'department', weight: 5 },
  { id: 'STC', name: 'Sở Tài chính', level: 'department', weight: 1 },
  { id: 'STP', name: 'Sở Tư pháp', level: 'department', weight: 4 },
  { id: 'SXD', name: 'Sở Xây dựng', level: 'department', weight: 2 },
  { id: 'SGTVT', name: 'Sở Giao thông vận tải', level: 'department', weight: 8 },
  { id: 'STNMT', name: 'Sở Tài nguyên và Môi trường', level: 'department', weight: 4 },
  { id: 'SNNPTNT', name: 'Sở Nông nghiệp và Phát triển nông thôn', level: 'department', weight: 1.5 },
  { id: 'SLDTBXH', name: 'Sở Lao động - Thương binh và Xã hội', level: 'department', weight: 2.5 },
  { id: 'SYT', name: 'Sở Y tế', level: 'department', weight: 3 },
  { id: 'SGDDT', name: 'Sở Giáo dục và Đào tạo', level: 'department', weight: 1.5 },
  { id: 'SVHTTDL', name: 'Sở Văn hóa, Thể thao và Du lịch', level: 'department', weight: 1.2 },
  { id: 'STTTT', name: 'Sở Thông tin và Truyền thông', level: 'department', weight: 0.7 },
  { id: 'SNV', name: 'Sở Nội vụ', level: 'department', weight: 0.8 },
  { id: 'BDT', name: 'Ban Dân tộc', level: 'department', weight: 0.3 },
  { id: 'BQLKKT', name: 'Ban Quản lý các Khu kinh tế và Khu công nghiệp', level: 'department', weight: 1 },
  { id: 'TTT', name: 'Thanh tra tỉnh', level: 'department', weight: 0.3 },
  { id: 'BQLVQG', name: 'Ban Quản lý Khu Dự trữ sinh quyển Cù Lao Chàm', level: 'department', weight: 0.2 },
  { id: 'TAMKY', name: 'Thành phố Tam Kỳ', level: 'district', weight: 9 },
  { id: 'HOIAN', name: 'Thành phố Hội An', level: 'district', weight: 8 },
  { id: 'DIENBAN', name: 'Thị xã Điện Bàn', level: 'district', weight: 10 },
  { id: 'THANGBINH', name: 'Huyện Thăng Bình', level: 'district', weight: 7 },
  { id: 'QUESON', name: 'Huyện Quế Sơn', level: 'district', weight: 4 },
  { id: 'NONGSON', name: 'Huyện Nông Sơn', level: 'district', weight: 1.5 },
  { id: 'DUYXUYEN', name: 'Huyện Duy Xuyên', level: 'district', weight: 6 },
  { id: 'DAILOC', name: 'Huyện Đại Lộc', level: 'district', weight: 7 },
  { id: 'PHUNINH', name: 'Huyện Phú Ninh', level: 'district', weight: 4 },
  { id: 'NUITHANH', name: 'Huyện Núi Thành', level: 'district', weight: 6 },
  { id: 'BACTRAMY', name: 'Huyện Bắc Trà My', level: 'district', weight: 2 },
  { id: 'NAMTRAMY', name: 'Huyện Nam Trà My', level: 'district', weight: 1.2 },
  { id: 'TIENPHUOC', name: 'Huyện Tiên Phước', level: 'district', weight: 2.5 },
  { id: 'HIEPDUC', name: 'Huyện Hiệp Đức', level: 'district', weight: 1.8 },
  { id: 'PHUOCSON', name: 'Huyện Phước Sơn', level: 'district', weight: 1.5 },
  { id: 'NAMGIANG', name: 'Huyện Nam Giang', level: 'district', weight: 1.5 },
  { id: 'DONGGIANG', name: 'Huyện Đông Giang', level: 'district', weight: 1.3 },
  { id: 'TAYGIANG', name: 'Huyện Tây Giang', level: 'district', weight: 1 },
];

const wd = (value: number) => ({ value, unit: 'working-days' as const });
const dep = (
  code: string,
  unit: string,
  name: string,
  timeLimit: DemoProcedure['timeLimit'],
  onlineLevel: DemoProcedure['onlineLevel'],
  fee: number,
  weight = 1,
  requiresWrittenResult = true,
): DemoProcedure => ({
  code,
  unit,
  name,
  level: 'department',
  timeLimit,
  onlineLevel,
  fee,
  requiresWrittenResult,
  weight,
});
const dis = (
  code: string,
  name: string,
  timeLimit: DemoProcedure['timeLimit'],
  onlineLevel: DemoProcedure['onlineLevel'],
  fee: number,
  weight: number,
  requiresWrittenResult = true,
): DemoProcedure => ({
  code,
  name,
  level: 'district',
  timeLimit,
  onlineLevel,
  fee,
  requiresWrittenResult,
  weight,
});

export const DEMO_PROCEDURES: readonly DemoProcedure[] = [
  dep('CT.01', 'SCT', 'Cấp Giấy phép bán lẻ sản phẩm rượu', wd(10), 'full', 1_200_000, 2),
  dep('CT.02', 'SCT', 'Cấp Giấy chứng nhận đủ điều kiện an toàn thực phẩm', wd(20), 'partial', 700_000),
  dep('NV.01', 'SNGV', 'Cho phép tổ chức hội nghị, hội thảo quốc tế', wd(15), 'full', 0),
  dep('KH.01', 'SKHCN', 'Đăng ký hoạt động khoa học và công nghệ', wd(15), 'full', 0),
  dep('KH.02', 'SKHCN', 'Cấp chứng chỉ nhân viên bức xạ', wd(10), 'partial', 200_000),
  dep('DT.01', 'SKHDT', 'Đăng ký thành lập doanh nghiệp', wd(3), 'full', 50_000, 5),
  dep('DT.02', 'SKHDT', 'Đăng ký thay đổi nội dung đăng ký doanh nghiệp', wd(3), 'full', 50_000, 4),
  dep(
    'TC.01',
    'STC',
    'Đăng ký mã số đơn vị có quan hệ với ngân sách',
    { value: 16, unit: 'working-hours' },
    'full',
    0,
  ),
  dep('TP.01', 'STP', 'Cấp Phiếu lý lịch tư pháp', wd(10), 'full', 200_000, 5),
  dep('TP.02', 'STP', 'Đăng ký hành nghề công chứng', wd(10), 'partial', 0),
  dep('XD.01', 'SXD', 'Cấp giấy phép xây dựng công trình', wd(20), 'partial', 150_000),
  dep('XD.02', 'SXD', 'Cấp chứng chỉ hành nghề hoạt động xây dựng', wd(20), 'full', 300_000),
  dep('GT.01', 'SGTVT', 'Đổi Giấy phép lái xe', wd(5), 'full', 135_000, 6),
  dep('GT.02', 'SGTVT', 'Cấp Giấy phép kinh doanh vận tải bằng xe ô tô', wd(5), 'full', 0, 2),
  dep('TN.01', 'STNMT', 'Đăng ký biến động quyền sử dụng đất', wd(10), 'partial', 0, 3),
  dep('TN.02', 'STNMT', 'Cấp giấy phép khai thác nước dưới đất', wd(30), 'none', 600_000),
  dep(
    'NN.01',
    'SNNPTNT',
    'Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông lâm thủy sản',
    wd(15),
    'full',
    700_000,
  ),
  dep('LD.01', 'SLDTBXH', 'Cấp giấy phép lao động cho người nước ngoài', wd(5), 'full', 600_000, 2),
  dep('LD.02', 'SLDTBXH', 'Giải quyết chế độ trợ cấp thất nghiệp', wd(20), 'partial', 0),
  dep('YT.01', 'SYT', 'Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh', wd(30), 'partial', 360_000, 2),
  dep('YT.02', 'SYT', 'Cấp giấy chứng nhận đủ điều kiện kinh doanh dược', wd(20), 'full', 1_000_000),
  dep(
    'GD.01',
    'SGDDT',
    'Cấp bản sao văn bằng, chứng chỉ từ sổ gốc',
    { value: 1, unit: 'working-days' },
    'full',
    0,
    2,
  ),
  dep('VH.01', 'SVHTTDL', 'Cấp giấy phép tổ chức biểu diễn nghệ thuật', wd(5), 'full', 0),
  dep(
    'VH.02',
    'SVHTTDL',
    'Công nhận hạng cơ sở lưu trú du lịch',
    { value: 30, unit: 'days' },
    'partial',
    1_500_000,
  ),
  dep('TT.01', 'STTTT', 'Cấp giấy phép xuất bản bản tin', wd(10), 'full', 0),
  dep('NV2.01', 'SNV', 'Thẩm định thành lập hội', wd(30), 'partial', 0),
  dep('DTOC.01', 'BDT', 'Công nhận người có uy tín trong đồng bào dân tộc thiểu số', wd(15), 'none', 0),
  dep('KKT.01', 'BQLKKT', 'Cấp Giấy chứng nhận đăng ký đầu tư', wd(15), 'full', 0),
  dep('TTT.01', 'TTT', 'Giải quyết khiếu nại lần đầu', { value: 30, unit: 'days' }, 'none', 0, 1, false),
  dep('CLC.01', 'BQLVQG', 'Cấp phép hoạt động du lịch tại khu bảo tồn biển', wd(10), 'partial', 0),
  dis('HX.01', 'Đăng ký hộ kinh doanh', wd(3), 'full', 100_000, 5),
  dis('HX.02', 'Cấp giấy chứng nhận quyền sử dụng đất lần đầu', wd(30), 'partial', 0, 4),
  dis('HX.03', 'Cấp giấy phép xây dựng nhà ở riêng lẻ', wd(15), 'full', 75_000, 3),
  dis(
    'HX.04',
    'Chứng thực bản sao từ bản chính',
    { value: 8, unit: 'working-hours' },
    'partial',
    2_000,
    4,
    false,
  ),
  dis('HX.05', 'Đăng ký kết hôn có yếu tố nước ngoài', wd(15), 'partial', 1_500_000, 0.5),
  dis('HX.06', 'Cấp giấy phép kinh doanh karaoke', wd(5), 'full', 4_000_000, 0.4),
  dis('HX.07', 'Thủ tục hỗ trợ người có công', wd(20), 'none', 0, 1, false),
];

export const DEFAULT_SCALE = 0.1;
