"""The roster's columns as the import reads them and the template and exports write them.

Offices name the same column many ways (姓名/名字, 身份证号/公民身份号码, 手机/联系电话); each
column lists the names we know, normalised (see `vetserve.spreadsheets.headers`).
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from vetserve.spreadsheets.headers import Column, column_lookup

# Order = the order of the template and of exports. The labels have their own context: the
# "Name" of a person (姓名), not of an organization (名称).
COLUMNS: tuple[Column, ...] = (
    Column(
        "name",
        pgettext_lazy("roster column", "Name"),
        ("姓名", "名字", "志愿者姓名", "name", "fullname"),
    ),
    Column("gender", pgettext_lazy("roster column", "Gender"), ("性别", "gender", "sex")),
    Column(
        "birth_date",
        pgettext_lazy("roster column", "Birth date"),
        ("出生日期", "出生年月", "出生年月日", "生日", "birthdate", "dateofbirth"),
    ),
    Column(
        "id_number",
        pgettext_lazy("roster column", "ID number"),
        (
            "身份证号",
            "身份证号码",
            "公民身份号码",
            "公民身份证号码",
            "身份证",
            "身份证件号码",
            "证件号码",
            "idnumber",
            "idcard",
            "idcardnumber",
        ),
    ),
    Column(
        "phone",
        pgettext_lazy("roster column", "Mobile phone"),
        (
            "手机",
            "手机号",
            "手机号码",
            "联系电话",
            "电话",
            "电话号码",
            "联系方式",
            "移动电话",
            "phone",
            "mobile",
            "mobilephone",
        ),
    ),
    Column(
        "residence_region",
        pgettext_lazy("roster column", "Residence area"),
        (
            "居住地",
            "居住地区",
            "居住区域",
            "现居住地",
            "常住地",
            "户籍地",
            "所在乡镇",
            "乡镇",
            "residence",
            "residencearea",
        ),
    ),
    Column(
        "address",
        pgettext_lazy("roster column", "Address"),
        ("地址", "住址", "家庭住址", "详细地址", "现住址", "居住地址", "address"),
    ),
    Column(
        "organization",
        pgettext_lazy("roster column", "Organization"),
        (
            "组织",
            "所属组织",
            "服务队",
            "所属服务队",
            "志愿服务队",
            "所在队伍",
            "队伍",
            "organization",
            "team",
        ),
    ),
    Column(
        "service_branch",
        pgettext_lazy("roster column", "Service branch"),
        ("军种", "服役军种", "branch", "servicebranch"),
    ),
    Column(
        "enlisted_year",
        pgettext_lazy("roster column", "Year enlisted"),
        ("入伍年份", "入伍时间", "入伍年月", "入伍日期", "yearenlisted", "enlisted"),
    ),
    Column(
        "discharged_year",
        pgettext_lazy("roster column", "Year discharged"),
        (
            "退役年份",
            "退役时间",
            "退役年月",
            "退役日期",
            "退伍年份",
            "退伍时间",
            "退伍年月",
            "yeardischarged",
            "discharged",
        ),
    ),
    Column(
        "military_specialty",
        pgettext_lazy("roster column", "Military specialty"),
        ("军事专业", "部队专业", "服役专业", "专业", "militaryspecialty"),
    ),
    Column(
        "party",
        pgettext_lazy("roster column", "Political affiliation"),
        ("政治面貌", "party", "politicalaffiliation"),
    ),
    Column(
        "emergency_name",
        pgettext_lazy("roster column", "Emergency contact"),
        ("紧急联系人", "紧急联系人姓名", "emergencycontact"),
    ),
    Column(
        "emergency_phone",
        pgettext_lazy("roster column", "Emergency contact phone"),
        (
            "紧急联系人电话",
            "紧急联系电话",
            "紧急联系人手机",
            "紧急联系人联系电话",
            "emergencyphone",
            "emergencycontactphone",
        ),
    ),
    Column(
        "skills_note",
        pgettext_lazy("roster column", "Professional skills"),
        ("专业技能", "技能", "特长", "专长", "skills", "professionalskills"),
    ),
    Column(
        "service_categories",
        pgettext_lazy("roster column", "Service categories"),
        ("服务类别", "服务类型", "服务意向", "志愿服务类别", "servicecategories"),
    ),
)
BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = ("name", "id_number", "phone")
column_key = column_lookup(COLUMNS)
