//! The fixed geography of the demo company: 7 sales regions (大区) of real
//! Chinese provinces, each with its market size at scale 1 and a few real
//! cities.

/// A sales region (大区).
pub(crate) struct Region {
    /// ASCII key used in codes and usernames (`R-HN`, `rm.hn`).
    pub key: &'static str,
    pub name: &'static str,
    /// Typical yearly sales growth of the region's hospitals, in ‰.
    pub growth_permille: u32,
}

/// A province-level division (省区) served by one province team.
pub(crate) struct Province {
    /// ISO 3166-2:CN subdivision code, used in codes (`P-GD`, `pm.gd`).
    pub iso: &'static str,
    /// Short name as used in the org tree and on customers (`广东`).
    pub name: &'static str,
    /// Official name (`广东省`, `广西壮族自治区`, `北京市`).
    pub full: &'static str,
    /// Index into [`REGIONS`].
    pub region: usize,
    /// Last full year's sales at scale 1, in 万元 (10,000 CNY). Sums to 80,000
    /// (8 亿) over the company.
    pub potential: u64,
    /// One of the big markets (more and larger hospitals, more 三甲).
    pub big: bool,
    /// A municipality: `cities` are its districts and every customer's city is
    /// the municipality itself.
    pub municipality: bool,
    /// Real prefecture-level cities (districts for a municipality), the
    /// capital first.
    pub cities: &'static [&'static str],
}

pub(crate) const REGIONS: [Region; 7] = [
    Region { key: "HB", name: "华北", growth_permille: 100 },
    Region { key: "HD", name: "华东", growth_permille: 120 },
    Region { key: "HN", name: "华南", growth_permille: 140 },
    Region { key: "HZ", name: "华中", growth_permille: 110 },
    Region { key: "XN", name: "西南", growth_permille: 120 },
    Region { key: "XB", name: "西北", growth_permille: 80 },
    Region { key: "DB", name: "东北", growth_permille: 70 },
];

const fn p(
    iso: &'static str,
    name: &'static str,
    full: &'static str,
    region: usize,
    potential: u64,
    big: bool,
    cities: &'static [&'static str],
) -> Province {
    Province { iso, name, full, region, potential, big, municipality: false, cities }
}

const fn m(
    iso: &'static str,
    name: &'static str,
    full: &'static str,
    region: usize,
    potential: u64,
    big: bool,
    districts: &'static [&'static str],
) -> Province {
    Province { iso, name, full, region, potential, big, municipality: true, cities: districts }
}

/// Provinces grouped by region (region order as in [`REGIONS`]). Potentials in
/// 万元: 华北 13,000; 华东 23,000; 华南 16,000 (广东 40 %); 华中 10,000;
/// 西南 8,500; 西北 4,500; 东北 5,000.
pub(crate) const PROVINCES: [Province; 31] = [
    // 华北
    m("BJ", "北京", "北京市", 0, 5850, true, &["东城区", "西城区", "朝阳区", "海淀区", "丰台区", "昌平区"]),
    m("TJ", "天津", "天津市", 0, 1820, false, &["和平区", "河西区", "南开区", "红桥区", "滨海新区", "西青区"]),
    p("HE", "河北", "河北省", 0, 2860, false, &["石家庄市", "唐山市", "保定市", "邯郸市", "沧州市", "廊坊市"]),
    p("SX", "山西", "山西省", 0, 1430, false, &["太原市", "大同市", "长治市", "运城市", "临汾市"]),
    p("NM", "内蒙古", "内蒙古自治区", 0, 1040, false, &["呼和浩特市", "包头市", "赤峰市", "鄂尔多斯市", "通辽市"]),
    // 华东
    m("SH", "上海", "上海市", 1, 5060, true, &["黄浦区", "徐汇区", "静安区", "浦东新区", "闵行区", "杨浦区"]),
    p("JS", "江苏", "江苏省", 1, 5980, true, &["南京市", "苏州市", "无锡市", "常州市", "南通市", "徐州市", "扬州市"]),
    p("ZJ", "浙江", "浙江省", 1, 4830, true, &["杭州市", "宁波市", "温州市", "绍兴市", "嘉兴市", "金华市", "台州市"]),
    p("SD", "山东", "山东省", 1, 4830, true, &["济南市", "青岛市", "烟台市", "潍坊市", "临沂市", "济宁市", "淄博市"]),
    p("AH", "安徽", "安徽省", 1, 2300, false, &["合肥市", "芜湖市", "蚌埠市", "安庆市", "阜阳市"]),
    // 华南
    p("GD", "广东", "广东省", 2, 6400, true, &["广州市", "深圳市", "佛山市", "东莞市", "珠海市", "汕头市", "湛江市", "惠州市"]),
    p("FJ", "福建", "福建省", 2, 4320, false, &["福州市", "厦门市", "泉州市", "漳州市", "莆田市"]),
    p("GX", "广西", "广西壮族自治区", 2, 3520, false, &["南宁市", "柳州市", "桂林市", "梧州市", "玉林市"]),
    p("HI", "海南", "海南省", 2, 1760, false, &["海口市", "三亚市", "儋州市", "琼海市"]),
    // 华中
    p("HB", "湖北", "湖北省", 3, 3000, false, &["武汉市", "宜昌市", "襄阳市", "荆州市", "十堰市"]),
    p("HN", "湖南", "湖南省", 3, 2600, false, &["长沙市", "株洲市", "湘潭市", "衡阳市", "岳阳市", "常德市"]),
    p("HA", "河南", "河南省", 3, 3000, false, &["郑州市", "洛阳市", "开封市", "新乡市", "南阳市", "商丘市"]),
    p("JX", "江西", "江西省", 3, 1400, false, &["南昌市", "赣州市", "九江市", "上饶市", "宜春市"]),
    // 西南
    p("SC", "四川", "四川省", 4, 3570, false, &["成都市", "绵阳市", "德阳市", "南充市", "宜宾市", "泸州市"]),
    m("CQ", "重庆", "重庆市", 4, 1870, false, &["渝中区", "江北区", "沙坪坝区", "九龙坡区", "万州区", "涪陵区"]),
    p("YN", "云南", "云南省", 4, 1530, false, &["昆明市", "曲靖市", "玉溪市", "大理市", "昭通市"]),
    p("GZ", "贵州", "贵州省", 4, 1190, false, &["贵阳市", "遵义市", "六盘水市", "安顺市", "毕节市"]),
    p("XZ", "西藏", "西藏自治区", 4, 340, false, &["拉萨市", "日喀则市", "林芝市", "昌都市"]),
    // 西北
    p("SN", "陕西", "陕西省", 5, 2025, false, &["西安市", "宝鸡市", "咸阳市", "渭南市", "汉中市", "榆林市"]),
    p("GS", "甘肃", "甘肃省", 5, 810, false, &["兰州市", "天水市", "酒泉市", "张掖市", "白银市"]),
    p("XJ", "新疆", "新疆维吾尔自治区", 5, 900, false, &["乌鲁木齐市", "克拉玛依市", "喀什市", "伊宁市", "库尔勒市"]),
    p("NX", "宁夏", "宁夏回族自治区", 5, 405, false, &["银川市", "石嘴山市", "吴忠市", "固原市"]),
    p("QH", "青海", "青海省", 5, 360, false, &["西宁市", "海东市", "格尔木市"]),
    // 东北
    p("LN", "辽宁", "辽宁省", 6, 2250, false, &["沈阳市", "大连市", "鞍山市", "锦州市", "丹东市", "抚顺市"]),
    p("JL", "吉林", "吉林省", 6, 1250, false, &["长春市", "吉林市", "四平市", "通化市", "延吉市"]),
    p("HL", "黑龙江", "黑龙江省", 6, 1500, false, &["哈尔滨市", "齐齐哈尔市", "牡丹江市", "佳木斯市", "大庆市"]),
];

/// Index of the province whose unit code is `code` (`P-GD`).
pub(crate) fn province_by_unit_code(code: &str) -> Option<usize> {
    let iso = code.strip_prefix("P-")?;
    PROVINCES.iter().position(|p| p.iso == iso)
}

pub(crate) fn region_code(r: &Region) -> String {
    format!("R-{}", r.key)
}

pub(crate) fn province_code(p: &Province) -> String {
    format!("P-{}", p.iso)
}

/// Splits `total` in proportion to `weights` by the largest-remainder method
/// (ties to the lower index), so the parts sum to exactly `total`.
pub(crate) fn apportion(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u64 = weights.iter().sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut parts: Vec<u64> = weights.iter().map(|w| total * w / sum).collect();
    let mut rest = total - parts.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(total * weights[i] % sum), i));
    for i in order {
        if rest == 0 {
            break;
        }
        parts[i] += 1;
        rest -= 1;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn potentials_sum_to_eight_hundred_million() {
        assert_eq!(PROVINCES.iter().map(|p| p.potential).sum::<u64>(), 80_000);
        let south: u64 = PROVINCES.iter().filter(|p| p.region == 2).map(|p| p.potential).sum();
        assert_eq!(PROVINCES[10].potential * 100 / south, 40);
    }

    #[test]
    fn regions_have_three_to_five_provinces_in_order() {
        let mut last = 0;
        for (r, _) in REGIONS.iter().enumerate() {
            let n = PROVINCES.iter().filter(|p| p.region == r).count();
            assert!((3..=5).contains(&n));
            assert!(PROVINCES.iter().filter(|p| p.region == r).all(|p| p.region >= last));
            last = r;
        }
        for p in &PROVINCES {
            assert!(p.cities.len() >= 3);
            assert_eq!(province_by_unit_code(&province_code(p)).map(|i| PROVINCES[i].iso), Some(p.iso));
        }
    }

    #[test]
    fn apportion_sums_exactly() {
        assert_eq!(apportion(10, &[1, 1, 1]), vec![4, 3, 3]);
        assert_eq!(apportion(0, &[1, 2]), vec![0, 0]);
        assert_eq!(apportion(7, &[0, 0]), vec![0, 0]);
        let parts = apportion(2380, &PROVINCES.iter().map(|p| p.potential).collect::<Vec<_>>());
        assert_eq!(parts.iter().sum::<u64>(), 2380);
    }
}
