"""The figures of the news report the demo tells, each with how to count it from the database:
《抓好这三方面工作!河北张家口退役军人志愿服务助力冬奥》 (河北新闻网, 2022-02-11).

The report's numbers are data, written down here once; what the database holds is counted by
``reports.selectors`` every time, never stored. A figure is reached when the count is at least
the report's ("8,000余平方米" means 8,000 or more). The names of teams are the report's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CITY_CODE = "130700"  # 张家口市
CHONGLI_CODE = "130709"  # 崇礼区
CAMPAIGN = "相约冬奥—扛红旗、当先锋"
CHECKPOINT_TEAM = "南杨庄乡退役军人抗疫志愿服务先锋队"
FIRST_AID_TEAM = "张家口红十字小黄人赛场救护志愿服务队"
CONVOY = "张家口市退役军人战勤公益车队"
ROAD_TEAMS = (CONVOY, "河北战勤应急保障大队")
ROAD_CATEGORIES = ("road_rescue", "transport", "traffic", "blood")
CITY_FEDERATION = "张家口市爱国拥军联合会"
CHECKPOINT_HOURS = 130  # "人均上岗超过130小时"


@dataclass(frozen=True)
class StoryFigure:
    """One figure of the report: what it counts, the report's words and number, its unit."""

    key: str
    label: Promise
    quote: str
    report: int
    unit: Promise


FIGURES: tuple[StoryFigure, ...] = (
    StoryFigure(
        "volunteers",
        _("Veterans on the roster"),
        "全市共有5173名退役军人加入志愿服务队",
        5173,
        pgettext_lazy("unit", "people"),
    ),
    StoryFigure(
        "grassroots_teams",
        _("Township and village teams"),
        "全市现有612支乡、村基层退役军人志愿服务组织",
        612,
        pgettext_lazy("unit", "teams"),
    ),
    StoryFigure(
        "flags",
        _("Teams awarded the campaign flag"),
        "向8支退役军人志愿服务队代表授旗",
        8,
        pgettext_lazy("unit", "teams"),
    ),
    StoryFigure(
        "chongli_volunteers",
        _("Veterans on the roster in Chongli District"),
        "崇礼区组织372名退役军人",
        372,
        pgettext_lazy("unit", "people"),
    ),
    StoryFigure(
        "activities",
        _("Finished activities of the campaign"),
        "开展各类服务活动2790场",
        2790,
        pgettext_lazy("unit", "activities"),
    ),
    StoryFigure(
        "snow_one_day",
        _("Snow and ice cleared at one venue in one day"),
        "仅用一天时间就完成了8000余平方米清雪除冰工作",
        8000,
        pgettext_lazy("unit", "m²"),
    ),
    StoryFigure(
        "city_volunteers",
        _("City volunteers of the federation at key places"),
        "选拔40名…退役军人担任“迎冬奥”城市志愿者",
        40,
        pgettext_lazy("unit", "people"),
    ),
    StoryFigure(
        "medics",
        _("Veterans of the Red Cross first-aid team who served"),
        "张家口红十字小黄人赛场救护志愿服务队，吸纳…退役军人13名",
        13,
        pgettext_lazy("unit", "people"),
    ),
    StoryFigure(
        "events_covered",
        _("Events covered by the first-aid team"),
        "现已提供应急救护保障超过200场",
        200,
        pgettext_lazy("unit", "events"),
    ),
    StoryFigure(
        "weekend_volunteers",
        _("Veterans on weekend civility duty"),
        "市、县5000多名退役军人志愿者每周末开展“迎冬奥、讲文明、树新风”志愿服务活动",
        5000,
        pgettext_lazy("unit", "people"),
    ),
    StoryFigure(
        "road_jobs",
        _("Road rescue, transport, traffic and blood donation activities of the two convoy teams"),
        "累计开展道路抢险、物资运输、交通疏导、紧急救援、义务献血等志愿服务活动40余次",
        40,
        pgettext_lazy("unit", "activities"),
    ),
    StoryFigure(
        "disinfected",
        _("Area disinfected by the veterans’ convoy"),
        "全面消杀，总面积超过600万平方米",
        6_000_000,
        pgettext_lazy("unit", "m²"),
    ),
    StoryFigure(
        "checkpoint_volunteers",
        _("Checkpoint volunteers with over 130 confirmed hours each"),
        "蔚县南杨庄乡11名退役军人…人均上岗超过130小时",
        11,
        pgettext_lazy("unit", "people"),
    ),
    StoryFigure(
        "vehicles_checked",
        _("Vehicles checked at the highway checkpoint"),
        "累计检查过往车辆5500余台次",
        5500,
        pgettext_lazy("unit", "vehicles"),
    ),
    StoryFigure(
        "people_checked",
        _("People checked at the highway checkpoint"),
        "人员11000余人次",
        11000,
        pgettext_lazy("unit", "person-times"),
    ),
)
