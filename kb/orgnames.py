"""The vocabulary of organisations: data, read by kb.scope (which organisation a document or question is about).

- ORGANISATION_KINDS: kinds of organisation a question may name ("在医院…", "律所的…"), each with the words that
  end the name of an organisation of that kind (某某人民医院, 某某律师事务所) and the everyday words for it. A
  question naming a kind is about the organisations whose name ends in one of its words.
- DOCUMENT_KINDS: words that say what kind of document a title names (员工手册, 岗位职责, 管理制度 …): in a
  title such as "华联超市员工手册", the name before them is the organisation's when it ends in a kind's word.
- LEGAL_FORMS: words of a registered name that distinguish nothing (有限公司, 股份 …): a question rarely
  repeats them, so an organisation is also named by its name without them.
"""
from __future__ import annotations

# kind → words (Simplified, match form). The first word is the kind's own name, shown to people.
ORGANISATION_KINDS: dict[str, tuple[str, ...]] = {
    "学校": ("学校", "大学", "学院", "中学", "小学", "幼儿园", "职校", "技校", "中专", "高中", "初中", "校区"),
    "医院": ("医院", "卫生院", "诊所", "门诊部", "卫生服务中心", "保健院", "疗养院", "病院"),
    "酒店": ("酒店", "宾馆", "饭店", "旅馆", "度假村", "客栈", "招待所"),
    "银行": ("银行", "信用社", "支行", "分行", "储蓄所"),
    "律所": ("律师事务所", "律所", "事务所"),
    "商店": ("超市", "商店", "商场", "便利店", "门店", "专卖店", "药店", "药房", "书店", "商行", "百货", "店"),
    "餐厅": ("餐厅", "餐馆", "酒楼", "食堂", "快餐店", "茶餐厅"),
    "物业": ("物业", "物业公司", "物业服务中心"),
    "工厂": ("工厂", "厂", "车间", "制造厂", "加工厂"),
    "政府机关": ("政府", "人民政府", "局", "委员会", "街道办事处", "办事处", "管委会"),
    "协会": ("协会", "学会", "商会", "联合会", "基金会", "俱乐部", "球队"),
    "社区": ("社区", "居委会", "村委会"),
    "中心": ("中心", "服务中心", "客服中心", "呼叫中心", "站", "馆"),
}

# Words that end an organisation's name but name no kind a question would ask about: a new hire says 公司 of
# whatever employs them, so "公司的规定" scopes nothing.
GENERIC_ENDINGS: tuple[str, ...] = ("公司", "集团", "企业", "单位", "机构")

# Words that name a kind of document, longest first where one holds another (岗位职责 before 职责).
DOCUMENT_KINDS: tuple[str, ...] = (
    "员工手册", "职工手册", "新员工手册", "岗位说明书", "岗位职责", "工作职责", "管理制度", "规章制度", "管理规定",
    "管理办法", "实施细则", "工作制度", "考勤制度", "员工守则", "工作守则", "操作规程", "工作流程", "管理手册",
    "制度汇编", "员工须知", "入职须知", "手册", "制度", "规定", "办法", "守则", "细则", "须知", "职责", "章程",
    "规范", "规程",
)

# Words of a registered name that distinguish nothing; the name without them is how people say it.
LEGAL_FORMS: tuple[str, ...] = ("股份有限公司", "有限责任公司", "有限公司", "股份", "集团", "总公司", "分公司")

# Joiners between an organisation's name and the document kind: 华联超市的员工手册, 华联超市之管理制度.
TITLE_JOINERS = "的之·-—_ 　"
