"""``manage.py generate_scale``: fill an empty database with a generated province-size county."""

from django.core.management.base import BaseCommand, CommandError

from parkparty.scale import DataPresent, generate
from parkparty.scale.builder import Options


class Command(BaseCommand):
    help = (
        "Generate a county of parks in zones, enterprises, Party organizations, members, the development "
        "pipeline, activities with attendance, service requests and notices over the last three years and "
        "this one, plus the logins scale-staff, scale-county, scale-secretary and scale-admin (demo password). "
        "Refuses a database that holds data unless --flush."
    )

    def add_arguments(self, parser):
        defaults = Options()
        parser.add_argument("--parks", type=int, default=defaults.parks, help="parks, zones included (6 per zone)")
        parser.add_argument("--enterprises", type=int, default=defaults.enterprises)
        parser.add_argument("--organizations", type=int, default=None, help="default: enterprises / 4")
        parser.add_argument("--members", type=int, default=defaults.members)
        parser.add_argument("--applicants", type=int, default=None, help="not yet admitted; default: members / 20")
        parser.add_argument("--activities", type=int, default=defaults.activities)
        parser.add_argument("--requests", type=int, default=defaults.requests)
        parser.add_argument("--notices-per-year", type=int, default=defaults.notices_per_year)
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument("--batch-size", type=int, default=50_000, help="rows per COPY or executemany")
        parser.add_argument(
            "--flush",
            action="store_true",
            help="first delete every park, enterprise, organization, member, activity, request and notice "
            "(and their history); users and the audit log are kept",
        )

    def handle(self, *args, **opts):
        options = Options(
            parks=opts["parks"],
            enterprises=opts["enterprises"],
            organizations=opts["organizations"],
            members=opts["members"],
            applicants=opts["applicants"],
            activities=opts["activities"],
            requests=opts["requests"],
            notices_per_year=opts["notices_per_year"],
            seed=opts["seed"],
        )
        for name in ("parks", "enterprises", "members", "activities", "requests"):
            if getattr(options, name) < 0:
                raise CommandError(f"--{name} cannot be negative")
        if options.parks < 1 or options.enterprises < 1:
            raise CommandError("give at least one park and one enterprise")
        try:
            result = generate(options, flush_first=opts["flush"], batch_size=max(opts["batch_size"], 1))
        except DataPresent as error:
            raise CommandError(f"{error}; run with --flush to replace the data") from None
        width = max(len(table) for table in result.counts)
        for table, count in sorted(result.counts.items()):
            self.stdout.write(f"{table:<{width}}  {count:>10,}")
        self.stdout.write(f"{'total':<{width}}  {sum(result.counts.values()):>10,}")
        self.stdout.write(f"logins (demo password): {', '.join(result.logins)}")
        self.stdout.write(f"generated in {result.seconds:.1f} s")
