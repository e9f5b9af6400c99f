from apigw_migrate.cli import main

main()
