"""Demo step for the public face: posts of the 2021–2022 season, written for the demo from the
report's facts (not copied from it), a few with photos drawn here, and the publication consent
of some volunteers with recorded hours, so the honour roll has names on it.

Posts go in with their Markdown rendered and sanitised as the editor saves them
(``public.text.render``); the photos are made by Pillow, so they carry no metadata at all.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from vetserve.accounts.models import User
from vetserve.activities.models import Campaign
from vetserve.demo import data
from vetserve.demo.activities import CAMPAIGN, SNOW_TEAM
from vetserve.ledger.models import LedgerEntry
from vetserve.orgs.models import Organization
from vetserve.people.models import Consent
from vetserve.public.models import Kind, Post, PostPhoto, PostStatus
from vetserve.public.text import render
from vetserve.regions.models import Region
from vetserve.skills.models import Course

if TYPE_CHECKING:
    from vetserve.demo.builder import BuildContext

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Volunteers with recorded hours who agreed to be named on the honour roll.
CONSENTING = 40

INITIATIVE = """全市广大退役军人同志们：

北京2022年冬奥会雪上项目主赛场就在我们身边。退役不退志，退伍不褪色，我们倡议：

1. **带头参与**。就近加入所在乡镇、村的退役军人志愿服务队，
   在交通枢纽、景区、医院、酒店等重点区域服务冬奥。
2. **带头文明**。每个周末参加“迎冬奥、讲文明、树新风”活动，倡导公共文明，维护交通秩序和公共卫生。
3. **带头奉献**。服从统一调度，听从号令，需要时第一时间到岗。

让退役军人志愿服务的旗帜飘扬在冬奥城市上空！

张家口市爱国拥军联合会
"""

SNOW_STORY = """“相约北京”测试赛前夜的一场降雪，让雪如意颁奖广场铺满了积雪。
场地狭窄，大型机械开不进去。

崇礼中国雪都退役军人志愿服务队接到通知后第一时间集合，拿起推雪板和铁锹上了广场。
队员们分片包干、轮流作业，**一天时间清雪除冰8000余平方米**，测试赛如期进行。

> “部队里学会的就是令行禁止，哪里需要就往哪里冲。”一位老队员说。
"""

CHECKPOINT_STORY = """蔚县南杨庄乡的11名退役军人自发组成抗“疫”志愿服务先锋队，
在张石高速蔚县东检查站24小时轮班值守。

两个月里，他们人均上岗超过130小时，累计检查过往车辆5500余台次、人员11000余人次。
寒风里的一顶帐篷、一张登记表，守住了进入张家口的一道关口。
"""

LAUNCH_NEWS = """“相约冬奥—扛红旗、当先锋”退役军人志愿服务专项行动启动。
启动仪式上，400余名退役军人志愿者庄严宣誓，8支退役军人志愿服务队接受授旗。

专项行动实行**项目式管理、工程化推进**，全市各级退役军人志愿服务队按照要求定期开展志愿服务活动。
"""

FIRST_AID_NEWS = """张家口红十字小黄人赛场救护志愿服务队吸纳具备医护资格和急救资质的退役军人13名，
围绕冬奥赛事提供赛场保障、现场急救和急救技能宣传，已完成应急救护保障超过200场。
"""

KEY_PROJECT = """## 项目目标

- 全市开展退役军人志愿服务活动2790场
- 5173名退役军人登记造册，统一标识、统一管理、统一行动
- 清雪除冰、赛场救护、交通疏导、消杀防疫等重点任务全覆盖

## 运行方式

按照“属地化管理、区域化调度”原则，依托市、县两级爱国拥军联合会统一调度。
欢迎已登记的志愿者登录后报名参加。
"""

EXPERIENCE = """**一是建队伍。** 在612支乡村基层组织基础上，联合慈善义工联合会组建17支队伍，
依托蓝天救援队等专业力量培育9支骨干队伍。

**二是定规矩。** 统一登记造册、统一颁发“张家口退役军人志愿者”徽章，
做到统一标识、统一管理、统一行动。

**三是练本领。** 围绕冬奥主题，定期开展应急救援、医疗救助、秩序维护培训，承担任务时拉得出、用得上。
"""

LESSON = """## 发现有人倒地怎么办

1. 确认现场安全，轻拍双肩、大声呼唤，判断有无反应。
2. 无反应、无正常呼吸：立即呼叫120，请人取来AED。
3. 胸外按压：两乳头连线中点，深度5–6厘米，频率每分钟100–120次。
4. AED到达后按语音提示操作，尽量减少按压中断。

本课为“急救技能培训”的预习材料，考核合格可获救护员证。
"""

TEAM_PROFILE = """崇礼中国雪都退役军人志愿服务队是崇礼区17支退役军人志愿服务队之一，
冬奥筹备和赛事期间承担清雪除冰、秩序维护、应急保障等任务。

队员们佩戴“张家口退役军人志愿者”徽章，全程服务保障冬奥赛区。
"""


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def _photo(
    sky: tuple[int, int, int], ground: tuple[int, int, int], seed: int
) -> ContentFile[bytes]:
    """A plain picture for the demo: a sky, snowy slopes and a red flag, 1200 × 675 px."""
    image = Image.new("RGB", (1200, 675), sky)
    draw = ImageDraw.Draw(image)
    draw.polygon(
        [(0, 675), (0, 420), (380 + seed * 40, 260), (760, 430), (1200, 300), (1200, 675)],
        fill=ground,
    )
    draw.polygon([(0, 675), (0, 540), (600, 470), (1200, 560), (1200, 675)], fill=(250, 250, 252))
    draw.rectangle([(840, 330), (846, 470)], fill=(90, 60, 40))
    draw.polygon([(846, 332), (940, 356), (846, 380)], fill=(200, 16, 46))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82)
    return ContentFile(out.getvalue(), name="demo.jpg")


def step_public(ctx: BuildContext) -> None:
    """The public site's posts of the season, and the honour roll's consents."""
    rng = ctx.rng("public")
    admin = User.objects.get(username="admin")
    city = Region.objects.get(code=data.CITY_CODE)
    chongli = Region.objects.get(code="130709")
    yuxian = Region.objects.get(code="130726")
    campaign = Campaign.objects.filter(name=CAMPAIGN).first()
    course = Course.objects.filter(name="急救技能培训").first()
    snow_team = Organization.objects.filter(name=SNOW_TEAM).first()
    specs: list[tuple[str, str, str, str, Region, date, dict[str, Any]]] = [
        (Kind.NEWS, "“相约冬奥—扛红旗、当先锋”专项行动启动 8支队伍接受授旗",
         "400余名退役军人志愿者宣誓，8支队伍接受授旗。", LAUNCH_NEWS, city, date(2021, 9, 28), {}),
        (Kind.KEY_PROJECT, "重点项目：退役军人冬奥志愿服务专项行动",
         "项目式管理、工程化推进：2790场服务活动。", KEY_PROJECT, city, date(2021, 9, 30),
         {"campaign": campaign}),
        (Kind.INITIATIVE, "“迎冬奥盛会，展退役风采”倡议书",
         "致全市广大退役军人的一封倡议书。", INITIATIVE, city, date(2021, 10, 8), {}),
        (Kind.LESSON, "志愿课堂：心肺复苏与AED使用要点",
         "发现有人倒地，四步施救。", LESSON, city, date(2021, 10, 15), {"course": course}),
        (Kind.EXPERIENCE, "建队伍、定规矩、练本领：我们这样组织退役军人志愿服务",
         "张家口市退役军人志愿服务的三条做法。", EXPERIENCE, city, date(2021, 12, 20), {}),
        (Kind.STORY, "一天清雪八千平方米：雪如意颁奖广场的退役军人",
         "大型机械进不去，老兵们拿起了推雪板。", SNOW_STORY, chongli, date(2022, 1, 18), {}),
        (Kind.NEWS, "小黄人赛场救护队完成应急救护保障超过200场",
         "13名有急救资质的退役军人守护赛场。", FIRST_AID_NEWS, city, date(2022, 2, 6), {}),
        (Kind.STORY, "检查站里的十一名老兵",
         "人均上岗超过130小时，检查车辆5500余台次。", CHECKPOINT_STORY, yuxian,
         date(2022, 2, 10), {}),
        (Kind.PROFILE, "志愿风采：崇礼中国雪都退役军人志愿服务队",
         "冬奥赛区的清雪除冰主力军。", TEAM_PROFILE, chongli, date(2022, 2, 11),
         {"organization": snow_team}),
    ]  # fmt: skip
    posts = Post.objects.bulk_create(
        Post(
            kind=kind, title=title, summary=summary, body=body, body_html=render(body),
            region=region, status=PostStatus.PUBLISHED, publish_at=_at(day), created_by=admin,
            **links,
        )
        for kind, title, summary, body, region, day, links in specs
    )  # fmt: skip
    # A draft the editor shows and the public site does not.
    Post.objects.create(
        kind=Kind.NEWS, title="（草稿）春节期间志愿服务安排", body="待定。",
        body_html=render("待定。"),
        region=city, status=PostStatus.DRAFT, created_by=admin,
    )  # fmt: skip
    pictures = {
        "一天清雪八千平方米：雪如意颁奖广场的退役军人": ((150, 190, 225), (205, 215, 230), 1),
        "“相约冬奥—扛红旗、当先锋”专项行动启动 8支队伍接受授旗": (
            (120, 160, 210),
            (190, 200, 215),
            3,
        ),
        "检查站里的十一名老兵": ((95, 120, 160), (170, 175, 185), 5),
    }
    for post in posts:
        if post.title in pictures:
            photo = PostPhoto(post=post, width=1200, height=675, caption=post.summary)
            photo.image.save("demo.jpg", _photo(*pictures[post.title]), save=False)
            photo.save()
    # Some volunteers with hours agreed to be named (PIPL Art 25): the honour roll's names.
    with_hours = sorted(set(LedgerEntry.objects.values_list("volunteer_id", flat=True)))
    chosen = rng.sample(with_hours, min(CONSENTING, len(with_hours)))
    Consent.objects.bulk_create(
        Consent(
            volunteer_id=pk, purpose=Consent.Purpose.PUBLICATION, granted=True,
            text_version="demo", recorded_by=admin,
        )
        for pk in sorted(chosen)
    )  # fmt: skip
    ctx.counts["public posts"] = len(posts) + 1
