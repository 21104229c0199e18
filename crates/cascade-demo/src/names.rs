//! Deterministic randomness and the Chinese words the demo is written in:
//! people's names, hospital names, deal names and visit notes.

use std::collections::HashMap;

use cascade_api_types::HospitalGrade;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::geo::Province;

/// The one fixed seed every stream derives from.
const SEED: u64 = 0x4341_5343_4144_4531;

/// Independent random streams, one per kind of thing generated.
#[derive(Clone, Copy)]
pub(crate) enum Stream {
    Reps = 1,
    Users = 2,
    Customers = 3,
    Sales = 4,
    Opportunities = 5,
    Visits = 6,
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The random stream for item `index` of `stream`: independent of every other
/// item, so any item can be regenerated on its own.
pub(crate) fn rng(stream: Stream, index: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(splitmix64(SEED ^ splitmix64(((stream as u64) << 48) ^ splitmix64(index))))
}

/// Picks an index with probability proportional to `weights` (not all zero).
pub(crate) fn pick_weighted<R: Rng>(rng: &mut R, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.gen_range(0..total.max(1));
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

pub(crate) fn pick<R: Rng, T: Copy>(rng: &mut R, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

const SURNAMES_COMMON: &[&str] =
    &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];

const SURNAMES_OTHER: &[&str] = &[
    "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余",
    "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖",
    "贾", "夏", "韦", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺",
    "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武", "戴", "莫", "孔", "向", "汤", "欧阳",
];

const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞", "平", "刚", "英",
    "华", "玲", "飞", "鹏", "斌", "宇", "浩", "凯", "健", "俊", "帆", "旭", "宁", "婷", "雪", "琳", "晨", "欣", "怡", "颖", "倩",
    "琪", "博", "文", "峰", "辉", "亮", "鑫", "波", "宏", "志", "海", "建", "国", "红", "梅", "莉", "燕", "萍", "丹", "晶", "慧",
    "瑶", "佳", "嘉", "子", "思", "雨", "梓", "涵", "轩", "睿", "昊", "然", "天", "晓", "春", "秋", "立", "新", "振", "家", "德",
    "永", "成", "兰", "云", "彤", "一", "诗", "泽", "铭", "豪",
];

pub(crate) fn surname<R: Rng>(rng: &mut R) -> &'static str {
    if rng.gen_bool(0.55) {
        pick(rng, SURNAMES_COMMON)
    } else {
        pick(rng, SURNAMES_OTHER)
    }
}

/// A plausible Chinese personal name: surname plus one or two given characters.
pub(crate) fn person_name<R: Rng>(rng: &mut R) -> String {
    let mut name = String::from(surname(rng));
    name.push_str(pick(rng, GIVEN));
    if rng.gen_bool(0.7) {
        name.push_str(pick(rng, GIVEN));
    }
    name
}

const TOWN_HEAD: &[&str] =
    &["东", "西", "南", "北", "新", "永", "康", "金", "青", "白", "龙", "凤", "和", "安", "平", "兴", "福", "华", "民", "光"];
const TOWN_TAIL: &[&str] =
    &["山", "湖", "城", "桥", "塘", "沙", "港", "田", "溪", "坪", "岗", "林", "口", "洲", "阳", "门", "坝", "河", "坡", "庄"];
const PRIVATE_BRANDS: &[&str] = &[
    "仁爱", "博爱", "瑞康", "康华", "安泰", "济民", "惠民", "康宁", "仁和", "德济", "安心", "恒生", "福寿", "民生", "协和",
    "同仁",
];

fn town<R: Rng>(rng: &mut R) -> String {
    format!("{}{}", pick(rng, TOWN_HEAD), pick(rng, TOWN_TAIL))
}

/// Hospital names, unique within the provinces they were made for.
#[derive(Default)]
pub(crate) struct HospitalNamer {
    seen: HashMap<String, u32>,
}

impl HospitalNamer {
    /// A name for a hospital of `grade` in `place` (a city such as `广州市`,
    /// or a district of a municipality) of province `prov`. Draws a few names
    /// until one is new; past that, the last draw gets a campus suffix.
    pub(crate) fn name<R: Rng>(&mut self, rng: &mut R, grade: HospitalGrade, prov: &Province, place: &str) -> String {
        let short = if prov.municipality { prov.name } else { place.strip_suffix('市').unwrap_or(place) };
        let place = if prov.municipality { format!("{}{place}", prov.full) } else { place.to_owned() };
        let mut base = String::new();
        for _ in 0..6 {
            base = base_name(rng, grade, prov.full, &place, short);
            if !self.seen.contains_key(&base) {
                break;
            }
        }
        let n = self.seen.entry(base.clone()).or_insert(0);
        *n += 1;
        const CAMPUS: [&str; 5] = ["东院", "西院", "南院", "北院", "新院区"];
        match *n {
            1 => base,
            k if k as usize - 2 < CAMPUS.len() => format!("{base}（{}）", CAMPUS[k as usize - 2]),
            k => format!("{base}（分院{}）", k as usize - CAMPUS.len()),
        }
    }
}

fn base_name<R: Rng>(rng: &mut R, grade: HospitalGrade, pf: &str, place: &str, short: &str) -> String {
    match grade {
        HospitalGrade::Tertiary3A => match rng.gen_range(0..11) {
            0 => format!("{pf}人民医院"),
            1 => format!("{pf}中医院"),
            2 => format!("{pf}肿瘤医院"),
            3 => format!("{pf}第二人民医院"),
            4 => format!("{short}医科大学第一附属医院"),
            5 => format!("{short}医科大学第二附属医院"),
            6 => format!("{place}第一人民医院"),
            7 => format!("{place}中心医院"),
            8 => format!("{pf}妇幼保健院"),
            9 => format!("{place}{}中心医院", town(rng)),
            _ => format!("{short}医学院附属{}医院", town(rng)),
        },
        HospitalGrade::Tertiary3B => match rng.gen_range(0..10) {
            0 => format!("{place}第二人民医院"),
            1 => format!("{place}第三人民医院"),
            2 => format!("{place}中医院"),
            3 => format!("{place}中西医结合医院"),
            4 => format!("{place}妇幼保健院"),
            5 => format!("{place}骨科医院"),
            6 => format!("{place}儿童医院"),
            7 => format!("{place}眼科医院"),
            8 => format!("{place}{}人民医院", town(rng)),
            _ => format!("{place}{}中医院", town(rng)),
        },
        HospitalGrade::Secondary2A => match rng.gen_range(0..6) {
            0 => format!("{place}第四人民医院"),
            1 => format!("{place}第五人民医院"),
            2 => format!("{place}传染病医院"),
            3 => format!("{place}{}人民医院", town(rng)),
            4 => format!("{place}{}中医院", town(rng)),
            _ => format!("{place}{}中西医结合医院", town(rng)),
        },
        HospitalGrade::Secondary2B => match rng.gen_range(0..4) {
            0 => format!("{place}第六人民医院"),
            1 => format!("{place}{}医院", town(rng)),
            2 => format!("{place}{}中医院", town(rng)),
            _ => format!("{place}{}妇幼保健院", town(rng)),
        },
        HospitalGrade::Primary => match rng.gen_range(0..3) {
            0 => format!("{place}{}街道社区卫生服务中心", town(rng)),
            1 => format!("{place}{}镇卫生院", town(rng)),
            _ => format!("{place}{}社区医院", town(rng)),
        },
        HospitalGrade::Ungraded => match rng.gen_range(0..5) {
            0 => format!("{place}{}医院", pick(rng, PRIVATE_BRANDS)),
            1 => format!("{place}{}门诊部", pick(rng, PRIVATE_BRANDS)),
            2 => format!("{place}{}口腔医院", pick(rng, PRIVATE_BRANDS)),
            3 => format!("{place}{}体检中心", pick(rng, PRIVATE_BRANDS)),
            _ => format!("{place}{}{}医院", town(rng), pick(rng, PRIVATE_BRANDS)),
        },
    }
}

const DEPTS: &[&str] =
    &["检验科", "影像科", "放射科", "超声科", "重症医学科", "麻醉科", "手术室", "康复医学科", "设备科", "心内科", "急诊科"];
const DEVICES: &[&str] =
    &["CT", "磁共振", "超声", "DR", "化学发光", "生化分析仪", "监护仪", "中央监护", "腔镜器械", "电外科设备", "康复训练设备"];

/// Visit notes for a visit of `kind` (index into `VisitKind` order: on_site,
/// phone, online, meeting), in the style reps type into a CRM.
pub(crate) fn visit_note<R: Rng>(rng: &mut R, kind: usize, new_customer: bool) -> String {
    let dept = pick(rng, DEPTS);
    let dev = pick(rng, DEVICES);
    let who = surname(rng);
    if new_customer && kind == 0 {
        return match rng.gen_range(0..3) {
            0 => format!("首次拜访{dept}{who}主任,介绍公司{dev}产品线"),
            1 => format!("初次接触设备科,了解{dev}采购计划和预算"),
            _ => format!("陌生拜访,{dept}{who}主任同意下月安排产品演示"),
        };
    }
    match kind {
        0 => match rng.gen_range(0..6) {
            0 => format!("拜访{dept}{who}主任,沟通{dev}更新计划"),
            1 => format!("到{dept}了解{dev}使用情况,收集改进意见"),
            2 => format!("陪同工程师完成{dev}装机验收"),
            3 => format!("参加{dept}早交班,介绍{dev}新品"),
            4 => format!("与设备科确认招标参数,递交{dev}资料"),
            _ => format!("{dept}{who}主任反馈{dev}故障,已协调售后上门"),
        },
        1 => match rng.gen_range(0..3) {
            0 => format!("电话跟进{dev}招标文件进度"),
            1 => format!("电话确认{dept}采购预算审批情况"),
            _ => format!("电话回访{dept},{dev}运行正常"),
        },
        2 => match rng.gen_range(0..2) {
            0 => format!("线上演示{dev}方案,{dept}{who}主任参加"),
            _ => format!("视频会议沟通{dev}技术参数"),
        },
        _ => match rng.gen_range(0..3) {
            0 => format!("{dept}科室会,讲解{dev}临床应用"),
            1 => format!("院内产品推介会,{dept}等科室参加"),
            _ => format!("参加学术会议,与{dept}{who}主任交流{dev}"),
        },
    }
}

/// What a deal of each product line (in [`crate::PRODUCT_LINES`] order) is about.
pub(crate) const DEAL_ITEMS: [&[&str]; 5] = [
    &["64排CT采购", "1.5T磁共振采购", "DR数字化X射线系统采购", "彩色多普勒超声采购", "数字减影血管造影系统采购"],
    &["化学发光免疫分析仪采购", "全自动生化分析仪采购", "血细胞分析流水线采购", "凝血分析仪采购", "检验试剂年度供货"],
    &["多参数监护仪采购", "中央监护系统建设", "ICU监护升级", "遥测监护系统采购"],
    &["腔镜手术器械采购", "高频电外科工作站采购", "手术室整体配置", "吻合器年度供货"],
    &["康复训练系统采购", "物理治疗设备采购", "康复科建设", "下肢康复机器人采购"],
];

pub(crate) const LOST_REASONS: &[&str] = &[
    "竞品低价中标",
    "医院预算被削减,项目取消",
    "招标延期至下一年度",
    "院长办公会审批未通过",
    "客户最终选择进口品牌",
    "关键联系人调岗,项目搁置",
    "产品参数不符合招标要求",
    "代表离职交接不及时导致丢单",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::PROVINCES;

    #[test]
    fn streams_are_deterministic_and_independent() {
        let a: u64 = rng(Stream::Sales, 7).gen();
        let b: u64 = rng(Stream::Sales, 7).gen();
        let c: u64 = rng(Stream::Sales, 8).gen();
        let d: u64 = rng(Stream::Visits, 7).gen();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
    }

    #[test]
    fn hospital_names_are_unique() {
        let mut r = rng(Stream::Customers, 0);
        let mut namer = HospitalNamer::default();
        let prov = &PROVINCES[10];
        let mut all = std::collections::BTreeSet::new();
        for i in 0..2000 {
            let n = namer.name(&mut r, HospitalGrade::ALL[i % 6], prov, prov.cities[i % 2]);
            assert!(n.chars().count() <= 100);
            assert!(all.insert(n));
        }
    }
}
