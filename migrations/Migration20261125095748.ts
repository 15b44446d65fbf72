import { Migration } from '@mikro-orm/migrations';

export class Migration20261125095748 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "contact" alter column "name_key" type varchar(400) using ("name_key"::varchar(400));`);
    this.addSql(`alter table "contact" alter column "name_folded" type varchar(400) using ("name_folded"::varchar(400));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "contact" alter column "name_key" type varchar(200) using ("name_key"::varchar(200));`);
    this.addSql(`alter table "contact" alter column "name_folded" type varchar(200) using ("name_folded"::varchar(200));`);
  }

}
