"""The demo builder: the parts of the build combined, run in a fixed order."""

from __future__ import annotations

from .activities import Activities
from .enterprises import EnterprisesAndSurveys
from .funding import FundingAndDues
from .organizations import OrganizationsAndMembers
from .parks import ParksAndStaffing
from .requests import RequestsAndNotices


class DemoBuilder(
    ParksAndStaffing, OrganizationsAndMembers, EnterprisesAndSurveys, Activities, RequestsAndNotices, FundingAndDues
):
    """Builds the demo county; call :meth:`build` once inside a transaction."""

    def build(self) -> None:
        self.build_parks()
        self.build_organizations()
        self.build_enterprises()
        self.build_members()
        self.build_pipeline()
        self.build_enterprise_years()
        self.build_later_organization_changes()
        self.build_activities()
        self.build_requests()
        self.build_funding_and_commendations()
        self.build_notices()
        self.build_dues()
